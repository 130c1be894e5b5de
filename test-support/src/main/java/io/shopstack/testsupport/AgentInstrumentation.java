package io.shopstack.testsupport;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.StubMethod;
import net.bytebuddy.implementation.SuperMethodCall;
import net.bytebuddy.matcher.ElementMatchers;
import org.mockito.Mockito;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;

/**
 * Controllers as the official SkyWalking agent leaves them, and whether Spring can still create
 * them. The agent's Spring MVC plugin (apm-springmvc-annotation-6.x, which the cluster's init
 * container activates) intercepts every constructor of a {@code @Controller} or {@code
 * RestController} class, and Byte Buddy's rebase keeps each original constructor as a second,
 * private synthetic one (seen with {@code javap -p} on the classes the 9.7.0 agent wrote with
 * {@code SW_AGENT_OPEN_DEBUG=true}). A class with one constructor then has two, and Spring only
 * picks a lone constructor by itself: without {@code @Autowired} it falls back to a no-argument
 * constructor, and the service dies at start ("No default constructor found") only where the agent
 * runs, in the cluster. Here the same rebase is done with Byte Buddy (the agent's own tool) and the
 * class is created by a bean factory configured like an application context's.
 */
public final class AgentInstrumentation {

  private AgentInstrumentation() {}

  /**
   * The controllers under the package that Spring could not create once the agent rewrote them,
   * each with Spring's reason; empty when every one survives.
   */
  public static List<String> controllersLostToTheAgent(String basePackage) {
    List<Class<?>> controllers = controllers(basePackage);
    if (controllers.isEmpty()) {
      throw new IllegalArgumentException("no @Controller class under " + basePackage);
    }
    List<String> lost = new ArrayList<>();
    for (Class<?> controller : controllers) {
      try {
        createWithSpring(rebasedLikeTheAgent(controller));
      } catch (BeansException e) {
        lost.add(
            controller.getName()
                + ": "
                + e.getMostSpecificCause().getMessage()
                + " (mark its constructor @Autowired: the agent adds a second one)");
      }
    }
    return lost;
  }

  /** Every {@code @Controller} (and so {@code @RestController}) class under the package. */
  public static List<Class<?>> controllers(String basePackage) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(Controller.class));
    return scanner.findCandidateComponents(basePackage).stream()
        .<Class<?>>map(
            d ->
                ClassUtils.resolveClassName(
                    d.getBeanClassName(), ClassUtils.getDefaultClassLoader()))
        .toList();
  }

  /**
   * The class rebased with its constructors intercepted, as the agent's plugin does it (under
   * another name, beside the original in its package, since a loaded class cannot be redefined).
   */
  public static Class<?> rebasedLikeTheAgent(Class<?> type) {
    // A class is defined once per class loader: later calls get the same rebased class.
    return REBASED.computeIfAbsent(type, AgentInstrumentation::rebase);
  }

  private static final Map<Class<?>, Class<?>> REBASED = new ConcurrentHashMap<>();

  private static Class<?> rebase(Class<?> type) {
    try {
      return new ByteBuddy()
          .rebase(type)
          .name(type.getName() + "$AgentRebased")
          .constructor(ElementMatchers.any())
          .intercept(SuperMethodCall.INSTANCE.andThen(StubMethod.INSTANCE))
          .make()
          .load(
              type.getClassLoader(),
              ClassLoadingStrategy.UsingLookup.of(
                  MethodHandles.privateLookupIn(type, MethodHandles.lookup())))
          .getLoaded();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates the class the way an application context would (autowiring by constructor, its
   * dependencies mocked), and fails with the reason Spring gives when it cannot.
   */
  public static Object createWithSpring(Class<?> type) {
    DefaultListableBeanFactory factory = new DefaultListableBeanFactory();
    AutowiredAnnotationBeanPostProcessor autowiring = new AutowiredAnnotationBeanPostProcessor();
    autowiring.setBeanFactory(factory);
    factory.addBeanPostProcessor(autowiring);
    Arrays.stream(type.getDeclaredConstructors())
        .filter(c -> !c.isSynthetic())
        .map(Constructor::getParameterTypes)
        .flatMap(Arrays::stream)
        .distinct()
        .forEach(
            dependency ->
                factory.registerSingleton(dependency.getName(), Mockito.mock(dependency)));
    factory.registerBeanDefinition("bean", new RootBeanDefinition(type));
    return factory.getBean("bean");
  }
}
