package dev.deliberate.app;

import dev.deliberate.BadInputException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code deliberate} command. */
@Command(
    name = "deliberate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Deliberative Alignment: teach a model to recall a written safety spec and reason over it before it answers.",
      "",
      "Run 'deliberate COMMAND --help' for the options of each command."
    },
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line with the given streams and returns the exit code; used by main and by tests. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    Commands.register(cli);
    cli.setExecutionExceptionHandler(Main::handleError);
    cli.setParameterExceptionHandler(Main::handleParameterError);
    return cli;
  }

  private static int handleParameterError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + e.getMessage());
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    return ExitCode.BAD_INPUT;
  }

  private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean debug = askedForDebug(parsed);
    int status;
    String message;
    if (e instanceof ExitException exit) {
      status = exit.status();
      message = exit.getMessage();
    } else if (e instanceof BadInputException) {
      status = ExitCode.BAD_INPUT;
      message = e.getMessage();
    } else if (e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException) {
      status = ExitCode.BAD_INPUT;
      NoSuchFileException missing = e instanceof NoSuchFileException n ? n : (NoSuchFileException) e.getCause();
      message = missing.getFile() + ": no such file";
    } else if (e instanceof AccessDeniedException denied) {
      status = ExitCode.BAD_INPUT;
      message = denied.getFile() + ": permission denied";
    } else if (e instanceof UncheckedIOException io) {
      status = ExitCode.FAILURE;
      message = io.getCause().getMessage();
    } else {
      status = ExitCode.FAILURE;
      message = e.getClass().getSimpleName() + ": " + e.getMessage() + " (rerun with --debug for the stack trace)";
    }
    if (message != null && !message.isEmpty()) {
      err.println("error: " + message);
    }
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return status;
  }

  /** Whether --debug was given to the command or to any of its subcommands, however deep. */
  private static boolean askedForDebug(CommandLine.ParseResult parsed) {
    return parsed.hasMatchedOption("--debug") || parsed.subcommands().stream().anyMatch(Main::askedForDebug);
  }

  /** The project version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"deliberate " + (version == null ? "dev" : version), "Java " + Runtime.version()};
    }
  }
}
