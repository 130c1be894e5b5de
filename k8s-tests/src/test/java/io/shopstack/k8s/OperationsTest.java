package io.shopstack.k8s;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a real cluster does to the stack on day one and after: JVMs that must fit their memory limit
 * with their agent, a first apply that must not crash-loop while the databases start, singletons
 * that must not run twice, replicas spread per service, emptyDirs with limits, pinned images, no
 * bare Jobs and no egress to the whole internet (MemoryRules, StartupRules, SchedulingRules,
 * HygieneRules, DatabaseRules). Every render passes each rule, and a broken fixture shows each rule
 * rejecting what it forbids.
 */
class OperationsTest {

  @TestFactory
  Stream<DynamicTest> everyRenderPassesTheOperationalRules() {
    return Fixtures.everyRenderPasses(
        "memory",
        "startup",
        "singletons",
        "spread",
        "emptyDirs",
        "images",
        "jobs",
        "internetEgress",
        "connections");
  }

  @ParameterizedTest(name = "{1} rejects {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "memory/heap-over-limit.yaml                | memory         | heap 768 MiB + non-heap 320 MiB = 1088 MiB is more than 85 % of the memory limit 1024 MiB",
        "memory/no-heap-setting.yaml                | memory         | a JVM without a heap setting beside its limit",
        "memory/no-non-heap-budget.yaml             | memory         | does not declare the JVM's non-heap budget",
        "memory/request-below-limit.yaml            | memory         | memory request 512 MiB below the limit 1024 MiB",
        "startup/database-without-wait.yaml         | startup        | connects to its database at start without waiting for it",
        "startup/probe-shorter-than-wait.yaml       | startup        | the startup probe allows 180 s, less than the database wait (180 s) plus 60 s",
        "startup/oap-without-storage-wait.yaml      | startup        | OAP starts before its storage banyandb:17912 answers",
        "startup/oap-rolling-update.yaml            | singletons     | a standalone OAP (SW_CLUSTER=standalone) must run alone, but it rolls out with RollingUpdate",
        "scheduling/spread-over-the-stack.yaml      | spread         | Deployment/web: its topology spread constraint also counts the pods of [Deployment/api]",
        "hygiene/emptydir-without-size-limit.yaml   | emptyDirs      | emptyDir volume tmp has no sizeLimit",
        "hygiene/image-without-tag.yaml             | images         | image example/web has no pinned tag",
        "hygiene/image-latest.yaml                  | images         | image example/web:latest has no pinned tag",
        "hygiene/bare-job.yaml                      | jobs           | Job/once: a Job in the manifests runs again on every apply",
        "hygiene/egress-to-the-internet.yaml        | internetEgress | egress to 0.0.0.0/0 opens its ports to the whole internet",
        "scheduling/pools-over-max-connections.yaml | connections    | at their maximum replicas need 160 connections to postgres-0.postgres, which accepts 97",
      })
  void rejectsBrokenFixtures(String fixture, String check, String message) {
    Fixtures.rejects(check, "broken/" + fixture, message);
  }
}
