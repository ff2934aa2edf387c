package dev.deliberate.model;

import dev.deliberate.BadInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a model string into a {@link ChatModel}. Each scheme is a prefix with a factory; other modules add theirs
 * (the engine {@code local:}, the pipeline {@code reference}) with {@link #register}. The longest matching prefix
 * wins. {@link #standard()} knows {@code openai:MODEL} and {@code http(s)://HOST:PORT/v1#MODEL}, where several
 * base URLs separated by commas share the load of one model.
 */
public final class ModelResolver {
  /** Makes a model from the whole model string (prefix included). */
  @FunctionalInterface
  public interface Factory {
    ChatModel create(String modelString, ModelOptions options);
  }

  public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
  public static final String OPENAI_KEY_ENV = "OPENAI_API_KEY";

  private final Map<String, Factory> factories = new LinkedHashMap<>();

  /** A resolver with no schemes. */
  public ModelResolver() {}

  /** A resolver that knows {@code openai:}, {@code http://} and {@code https://}. */
  public static ModelResolver standard() {
    return new ModelResolver()
        .register("openai:", ModelResolver::openAi)
        .register("http://", ModelResolver::compatible)
        .register("https://", ModelResolver::compatible);
  }

  /** Adds (or replaces) the factory for model strings starting with {@code prefix}; returns this resolver. */
  public synchronized ModelResolver register(String prefix, Factory factory) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a scheme prefix cannot be empty");
    }
    factories.put(prefix, factory);
    return this;
  }

  public synchronized List<String> prefixes() {
    return List.copyOf(factories.keySet());
  }

  public ChatModel resolve(String modelString, ModelOptions options) {
    String text = modelString == null ? "" : modelString.trim();
    Factory best = null;
    String bestPrefix = "";
    synchronized (this) {
      for (Map.Entry<String, Factory> e : factories.entrySet()) {
        if (text.startsWith(e.getKey()) && e.getKey().length() > bestPrefix.length()) {
          best = e.getValue();
          bestPrefix = e.getKey();
        }
      }
    }
    if (best == null) {
      throw new BadInputException("model '" + shown(text) + "': expected one of " + String.join(", ", prefixes().stream().map(p -> p + "...").toList()));
    }
    return best.create(text, options);
  }

  private static ChatModel openAi(String modelString, ModelOptions options) {
    String model = modelString.substring("openai:".length());
    if (model.isBlank()) {
      throw new BadInputException("model '" + shown(modelString) + "': expected openai:MODEL, e.g. openai:gpt-4o-mini");
    }
    String envName = options.apiKeyEnv() == null ? OPENAI_KEY_ENV : options.apiKeyEnv();
    String key = requireKey(modelString, envName, options);
    return new OpenAiChatModel("openai:" + model, model, List.of(URI.create(OPENAI_BASE_URL)), key,
        options.timeout(), options.maxInFlightPerEndpoint());
  }

  private static ChatModel compatible(String modelString, ModelOptions options) {
    int hash = modelString.lastIndexOf('#');
    if (hash < 0 || hash == modelString.length() - 1) {
      throw new BadInputException("model '" + shown(modelString) + "': expected BASE_URL#MODEL, e.g. http://localhost:8000/v1#Qwen/Qwen3-8B");
    }
    String model = modelString.substring(hash + 1);
    List<URI> urls = new ArrayList<>();
    for (String part : modelString.substring(0, hash).split(",")) {
      urls.add(baseUrl(modelString, part.trim()));
    }
    String key = options.apiKeyEnv() == null ? null : requireKey(modelString, options.apiKeyEnv(), options);
    // The id names the model and its servers in a fixed order, so listing replicas differently keeps the cache.
    String id = String.join(",", urls.stream().map(URI::toString).sorted().toList()) + "#" + model;
    return new OpenAiChatModel(id, model, urls, key, options.timeout(), options.maxInFlightPerEndpoint());
  }

  private static URI baseUrl(String modelString, String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new BadInputException("model '" + shown(modelString) + "': a base URL is not a URL");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
      throw new BadInputException("model '" + shown(modelString) + "': expected http(s)://HOST[:PORT]/PATH, got a malformed base URL");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
      // Credentials in a URL end up in manifests and logs; we refuse them without echoing the URL.
      throw new BadInputException("model string: a base URL must not carry credentials or a query; "
          + "put the API key in an environment variable and name it with --api-key-env");
    }
    return uri;
  }

  /** The model string as we may print it: URL credentials and queries are masked. */
  static String shown(String modelString) {
    return modelString.replaceAll("//[^/@#,]*@", "//***@").replaceAll("\\?[^#,]*", "?***");
  }

  private static String requireKey(String modelString, String envName, ModelOptions options) {
    String key = options.env().apply(envName);
    if (key == null || key.isBlank()) {
      throw new BadInputException("model '" + shown(modelString) + "': environment variable " + envName + " (the API key) is not set");
    }
    return key.trim();
  }
}
