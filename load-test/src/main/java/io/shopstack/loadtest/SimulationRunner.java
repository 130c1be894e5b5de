package io.shopstack.loadtest;

/**
 * Entry point of the load-test image (the Kubernetes Job): runs {@link ShopSimulation} with
 * Gatling, writes the HTML report under {@code LOAD_TEST_RESULTS} (default {@code /tmp/results}),
 * and keeps the container alive {@code LOAD_TEST_KEEP_REPORT_SECONDS} so that the report can be
 * copied out with {@code kubectl cp}.
 */
public final class SimulationRunner {

  private SimulationRunner() {}

  public static void main(String[] args) throws Exception {
    String results = System.getenv().getOrDefault("LOAD_TEST_RESULTS", "/tmp/results");
    long keepSeconds =
        Long.parseLong(System.getenv().getOrDefault("LOAD_TEST_KEEP_REPORT_SECONDS", "0"));
    // Gatling's main calls System.exit with its status (2 when an assertion failed); the hook
    // keeps the report reachable whatever the outcome.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("HTML report under " + results + "/ (index.html)");
                  if (keepSeconds > 0) {
                    System.out.println(
                        "Keeping it for "
                            + keepSeconds
                            + " s: kubectl cp <namespace>/<pod>:"
                            + results
                            + " ./load-test-results");
                    try {
                      Thread.sleep(keepSeconds * 1000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }));
    io.gatling.app.Gatling.main(
        new String[] {"--simulation", ShopSimulation.class.getName(), "--results-folder", results});
  }
}
