package io.shopstack.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchApplicationTest {

  @Test
  void waitsForTheAgentOnlyWhenSkyWalkingsAgentIsAttached() {
    // As in the CronJob's pod (JAVA_TOOL_OPTIONS) and the local launcher.
    assertThat(
            BatchApplication.hasSkyWalkingAgent(
                List.of("-Xss512k", "-javaagent:/skywalking/agent/skywalking-agent.jar")))
        .isTrue();
    assertThat(BatchApplication.hasSkyWalkingAgent(List.of("-Xss512k", "-XX:+UseSerialGC")))
        .isFalse();
    assertThat(BatchApplication.hasSkyWalkingAgent(List.of("-javaagent:/opt/jacoco/agent.jar")))
        .isFalse();
  }
}
