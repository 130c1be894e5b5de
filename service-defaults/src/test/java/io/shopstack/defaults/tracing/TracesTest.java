package io.shopstack.defaults.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Without a SkyWalking agent the toolkit answers empty or placeholder values; only real trace ids
 * (hex digits and dots, as the agent writes them) may reach headers, problems and log lines.
 */
class TracesTest {

  @Test
  void noAgentMeansNoTraceId() {
    assertThat(Traces.currentTraceId()).isEmpty();
  }

  @Test
  void placeholdersAreNotTraceIds() {
    assertThat(Traces.usable(null)).isEmpty();
    assertThat(Traces.usable("")).isEmpty();
    assertThat(Traces.usable("N/A")).isEmpty();
    assertThat(Traces.usable("Ignored_Trace")).isEmpty();
    assertThat(Traces.usable("<script>")).isEmpty();
  }

  @Test
  void agentTraceIdsAreKept() {
    assertThat(Traces.usable("3f2c1a7be5d64c0f8a9b1c2d3e4f5a6b.52.17012345678900001"))
        .contains("3f2c1a7be5d64c0f8a9b1c2d3e4f5a6b.52.17012345678900001");
    assertThat(Traces.usable(" 0123456789abcdef0123456789abcdef "))
        .contains("0123456789abcdef0123456789abcdef");
  }
}
