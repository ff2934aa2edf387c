package dev.deliberate.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered attack passes the one {@link AttackContract}. */
class AttacksContractTest {

  static Stream<Attack> registered() {
    return Attacks.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registered")
  void passesTheAttackContract(Attack attack) {
    AttackContract.check(attack);
  }

  /** Beyond the sample requests: any string at all, Unicode, quotes, percent signs and newlines included. */
  @Property(tries = 300)
  void everyAttackIsDeterministicAndCarriesAnyRequest(@ForAll String request) {
    for (Attack attack : Attacks.all()) {
      String attacked = attack.apply(request);
      assertEquals(attacked, attack.apply(request), attack.name());
      assertNotEquals(request, attacked, attack.name());
      assertNotNull(AttackContract.carriedForm(attacked, request), attack.name() + " carries " + request);
    }
  }
}
