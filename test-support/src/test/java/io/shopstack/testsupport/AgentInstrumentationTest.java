package io.shopstack.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;

class AgentInstrumentationTest {

  static Class<?> fixture(String simpleName) {
    return AgentInstrumentation.controllers("io.shopstack.testsupport.fixtures").stream()
        .filter(c -> c.getSimpleName().equals(simpleName))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void findsTheControllersOfAPackage() {
    assertThat(AgentInstrumentation.controllers("io.shopstack.testsupport.fixtures"))
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder("LoneConstructorController", "AutowiredConstructorController");
  }

  @Test
  void theRebaseAddsAPrivateSyntheticConstructorAsTheAgentDoes() {
    Class<?> rebased =
        AgentInstrumentation.rebasedLikeTheAgent(fixture("LoneConstructorController"));
    List<Constructor<?>> constructors = Arrays.asList(rebased.getDeclaredConstructors());
    assertThat(constructors).hasSize(2);
    assertThat(constructors).filteredOn(Constructor::isSynthetic).singleElement();
  }

  @Test
  void aLoneConstructorIsFoundBeforeTheAgentAndLostAfter() {
    Class<?> plain = fixture("LoneConstructorController");
    assertThat(AgentInstrumentation.createWithSpring(plain)).isInstanceOf(plain);
    assertThatThrownBy(
            () ->
                AgentInstrumentation.createWithSpring(
                    AgentInstrumentation.rebasedLikeTheAgent(plain)))
        .isInstanceOf(BeanCreationException.class)
        .hasMessageContaining("No default constructor found");
  }

  @Test
  void anAutowiredConstructorSurvivesTheAgent() {
    Class<?> rebased =
        AgentInstrumentation.rebasedLikeTheAgent(fixture("AutowiredConstructorController"));
    assertThat(AgentInstrumentation.createWithSpring(rebased)).isInstanceOf(rebased);
  }
}
