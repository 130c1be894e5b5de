package io.shopstack.batch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Settles PENDING orders once and exits: the Kubernetes CronJob reads the exit code (see {@link
 * io.shopstack.batch.reconcile.Reconciliation}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BatchApplication {

  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(BatchApplication.class, args)));
  }
}
