package io.shopstack.defaults.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.shopstack.defaults.tracing.Traces;
import org.apache.skywalking.apm.toolkit.log.logback.v1.x.LogbackPatternConverter;

/**
 * The {@code %tid} conversion word. The SkyWalking agent instruments the toolkit's {@link
 * LogbackPatternConverter} so that it answers {@code "TID:<trace id>"}; without an agent, or
 * outside a trace, it answers {@code "TID: N/A"}. This keeps only a real trace id, so a log line
 * shows either the id or nothing.
 */
public class TraceIdConverter extends LogbackPatternConverter {

  @Override
  public String convert(ILoggingEvent event) {
    String value = super.convert(event);
    if (value == null) {
      return "";
    }
    String id = value.startsWith("TID:") ? value.substring(4) : value;
    return Traces.usable(id).orElse("");
  }
}
