package io.shopstack.localstack;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The batch job every so often while the stack runs (in the cluster, a CronJob runs it): a fixed
 * delay after the last run ended, so that two runs never overlap.
 */
final class BatchSchedule implements AutoCloseable {

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  private BatchSchedule() {}

  static BatchSchedule every(Duration interval, LocalStack stack) {
    BatchSchedule schedule = new BatchSchedule();
    schedule.executor.scheduleWithFixedDelay(
        () -> {
          try {
            int code = stack.runBatch();
            System.out.println(
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                    + " batch-jobs exited with "
                    + code);
          } catch (Exception e) {
            System.out.println("batch-jobs could not run: " + e.getMessage());
          }
        },
        interval.toSeconds(),
        interval.toSeconds(),
        TimeUnit.SECONDS);
    return schedule;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
