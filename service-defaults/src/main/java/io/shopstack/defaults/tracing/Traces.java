package io.shopstack.defaults.tracing;

import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.skywalking.apm.toolkit.trace.TraceContext;

/**
 * The SkyWalking trace id of the current request, when there is one.
 *
 * <p>{@link TraceContext#traceId()} answers {@code ""} without an agent and {@code "N/A"} (or
 * {@code "Ignored_Trace"}) with an agent but no active trace; none of those is a trace id a user
 * can look up, so they become {@link Optional#empty()}.
 */
public final class Traces {

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F][0-9a-fA-F.]{7,127}");

  private Traces() {}

  public static Optional<String> currentTraceId() {
    return usable(TraceContext.traceId());
  }

  /** The value if it looks like a SkyWalking trace id (hex digits and dots), else empty. */
  public static Optional<String> usable(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String id = value.strip();
    return TRACE_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }
}
