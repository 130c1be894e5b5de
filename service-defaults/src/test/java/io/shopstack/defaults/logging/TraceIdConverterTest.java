package io.shopstack.defaults.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code %tid} word of the shared log pattern prints nothing when no agent is attached, rather
 * than the toolkit's {@code TID: N/A} placeholder, so log lines stay clean outside traces.
 */
class TraceIdConverterTest {

  @Test
  void printsNothingWithoutAnAgent() {
    LoggerContext context = new LoggerContext();
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.getInstanceConverterMap().put("tid", TraceIdConverter::new);
    layout.setPattern("[%tid] %msg");
    layout.start();

    LoggingEvent event = new LoggingEvent();
    event.setLoggerContext(context);
    event.setLevel(Level.INFO);
    event.setMessage("hello");
    event.setMDCPropertyMap(Map.of());
    event.setLoggerName("test");

    assertThat(layout.doLayout(event)).isEqualTo("[] hello");
  }
}
