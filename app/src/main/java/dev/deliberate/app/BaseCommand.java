package dev.deliberate.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command shares: {@code --debug}, the output streams, and an exit code from {@link #run()}. */
public abstract class BaseCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  // Every command declares --debug itself (not inherited): a command with subcommands, such as eval with
  // grader-check, would otherwise hand its children a second --debug.
  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean debug;

  @Override
  public final Integer call() throws Exception {
    return run();
  }

  /** Does the command's work and returns its exit code. */
  protected abstract int run() throws Exception;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
