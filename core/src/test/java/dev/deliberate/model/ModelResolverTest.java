package dev.deliberate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelResolverTest {
  private static final String KEY = "sk-live-do-not-print-me";

  private static ModelOptions options(Map<String, String> env) {
    return ModelOptions.defaults().withEnv(env::get);
  }

  @Test
  void openAiTakesItsKeyFromOpenAiApiKeyByDefault() {
    ChatModel m = ModelResolver.standard().resolve("openai:gpt-4o-mini", options(Map.of("OPENAI_API_KEY", KEY)));
    assertEquals("openai:gpt-4o-mini", m.id());
    BadInputException missing = assertThrows(BadInputException.class,
        () -> ModelResolver.standard().resolve("openai:gpt-4o-mini", options(Map.of())));
    assertTrue(missing.getMessage().contains("OPENAI_API_KEY"), missing.getMessage());
  }

  @Test
  void aNamedVariableIsReadAndNeverShown() {
    BadInputException missing = assertThrows(BadInputException.class, () -> ModelResolver.standard()
        .resolve("http://127.0.0.1:9/v1#m", options(Map.of()).withApiKeyEnv("MY_KEY")));
    assertTrue(missing.getMessage().contains("MY_KEY"));
    ChatModel m = ModelResolver.standard().resolve("http://127.0.0.1:9/v1#m", options(Map.of("MY_KEY", KEY)).withApiKeyEnv("MY_KEY"));
    assertFalse(m.id().contains(KEY));
    assertFalse(m.toString().contains(KEY));
  }

  @Test
  void severalBaseUrlsNameOneModelWhateverTheirOrder() {
    ModelResolver r = ModelResolver.standard();
    ChatModel ab = r.resolve("http://b:8000/v1,http://a:8000/v1#Qwen/Qwen3-8B", ModelOptions.defaults());
    ChatModel ba = r.resolve("http://a:8000/v1, http://b:8000/v1#Qwen/Qwen3-8B", ModelOptions.defaults());
    assertEquals("http://a:8000/v1,http://b:8000/v1#Qwen/Qwen3-8B", ab.id());
    assertEquals(ab.id(), ba.id());
  }

  @Test
  void modulesAddSchemesAndTheLongestPrefixWins() {
    ChatModel fixed = new ChatModel() {
      public String id() {
        return "reference";
      }

      public ChatResponse chat(ChatRequest request) {
        return new ChatResponse(List.of(new ChatResponse.Choice(0, "", "ok", "stop")), ChatResponse.Usage.NONE);
      }
    };
    ModelResolver r = ModelResolver.standard()
        .register("reference", (s, o) -> fixed)
        .register("http://special/", (s, o) -> fixed);
    assertEquals("reference", r.resolve("reference", ModelOptions.defaults()).id());
    assertEquals("ok", r.resolve("http://special/v1#x", ModelOptions.defaults())
        .chat(ChatRequest.of(List.of(Message.user("hi")))).choices().get(0).content());
    assertInstanceOf(OpenAiChatModel.class, r.resolve("http://other/v1#x", ModelOptions.defaults()));
  }

  @Test
  void malformedModelStringsAreBadInputThatNamesWhatWasExpected() {
    ModelResolver r = ModelResolver.standard();
    assertTrue(assertThrows(BadInputException.class, () -> r.resolve("gpt-4o", ModelOptions.defaults()))
        .getMessage().contains("expected one of openai:..., http://..., https://..."));
    assertTrue(assertThrows(BadInputException.class, () -> r.resolve("http://localhost:8000/v1", ModelOptions.defaults()))
        .getMessage().contains("BASE_URL#MODEL"));
    assertThrows(BadInputException.class, () -> r.resolve("openai:", options(Map.of("OPENAI_API_KEY", KEY))));
  }

  @Test
  void credentialsInAUrlAreRefusedWithoutBeingEchoed() {
    ModelResolver r = ModelResolver.standard();
    BadInputException e = assertThrows(BadInputException.class,
        () -> r.resolve("http://user:" + KEY + "@host:8000/v1#m", ModelOptions.defaults()));
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    BadInputException q = assertThrows(BadInputException.class,
        () -> r.resolve("https://host/v1?api-key=" + KEY + "#m", ModelOptions.defaults()));
    assertFalse(q.getMessage().contains(KEY), q.getMessage());
    BadInputException noModel = assertThrows(BadInputException.class,
        () -> r.resolve("http://user:" + KEY + "@host:8000/v1", ModelOptions.defaults()));
    assertFalse(noModel.getMessage().contains(KEY), noModel.getMessage());
  }
}
