package io.shopstack.order.inventory;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shopstack.defaults.web.Problems;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.skywalking.apm.toolkit.trace.ActiveSpan;
import org.apache.skywalking.apm.toolkit.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Reserves and releases stock in inventory-service, and stays quick when it is down.
 *
 * <p>Each call goes through the {@code inventory} circuit breaker (configured under {@code
 * resilience4j.circuitbreaker.instances.inventory}), which answers at once while inventory keeps
 * failing. Inside it, a failure that certainly happened before inventory acted on the request
 * (connection refused or reset) or that a proxy reports as transient (502, 503, 504) is retried at
 * most twice within about a second: both calls are idempotent by order id, so repeating a POST is
 * safe. Timeouts are not retried, so a call takes at most about one second of retries plus one read
 * timeout. A 4xx is an answer, never retried.
 */
@Component
public class InventoryClient {

  private static final Logger log = LoggerFactory.getLogger(InventoryClient.class);
  private static final URI INSUFFICIENT_STOCK = Problems.type("insufficient-stock");

  private final RestClient http;
  private final CircuitBreaker breaker;
  private final RetryTemplate retry;
  private final MeterRegistry meters;

  InventoryClient(
      @LoadBalanced RestClient.Builder inventory,
      CircuitBreakerRegistry breakers,
      MeterRegistry meters) {
    this.http = inventory.build();
    this.breaker = breakers.circuitBreaker("inventory");
    this.retry =
        new RetryTemplate(
            RetryPolicy.builder()
                .maxRetries(2)
                .delay(Duration.ofMillis(100))
                .multiplier(2)
                .jitter(Duration.ofMillis(20))
                .timeout(Duration.ofSeconds(1))
                .predicate(InventoryClient::worthRetrying)
                .build());
    this.meters = meters;
  }

  /** Asks inventory to hold the order's lines; never throws. */
  @Trace(operationName = "orders/reserve-stock")
  public ReservationOutcome reserve(Reservation reservation) {
    Timer.Sample sample = Timer.start(meters);
    ReservationOutcome outcome;
    try {
      outcome = breaker.executeSupplier(() -> retry.invoke(() -> post(reservation)));
    } catch (CallNotPermittedException e) {
      outcome = new ReservationOutcome.Unavailable();
    } catch (RuntimeException e) {
      log.warn("Could not reserve stock for order {}: {}", reservation.orderId(), reason(e));
      outcome = new ReservationOutcome.Unavailable();
    }
    String result = outcome.getClass().getSimpleName().toLowerCase();
    sample.stop(meters.timer("shop.orders.reservation", "outcome", result));
    ActiveSpan.tag("outcome", result);
    return outcome;
  }

  /**
   * Gives back whatever the order holds; idempotent, and a reservation arriving after it reserves
   * nothing.
   *
   * @throws InventoryUnavailableException when inventory cannot be reached or fails
   */
  public void release(UUID orderId) {
    try {
      breaker.executeRunnable(() -> retry.invoke(() -> postRelease(orderId)));
    } catch (RuntimeException e) {
      log.warn("Could not release the stock of order {}: {}", orderId, reason(e));
      throw new InventoryUnavailableException(orderId, e);
    }
  }

  private ReservationOutcome post(Reservation reservation) {
    return http.post()
        .uri("/internal/inventory/reservations")
        .contentType(MediaType.APPLICATION_JSON)
        .body(reservation)
        .exchange(
            (request, response) -> {
              HttpStatusCode status = response.getStatusCode();
              if (status.is2xxSuccessful()) {
                return new ReservationOutcome.Reserved();
              }
              if (status.value() == HttpStatus.CONFLICT.value()) {
                Conflict conflict = response.bodyTo(Conflict.class);
                return conflict != null && INSUFFICIENT_STOCK.equals(conflict.type())
                    ? new ReservationOutcome.Rejected(conflict.lines())
                    : new ReservationOutcome.Released();
              }
              throw new FailedAnswer(status);
            });
  }

  private void postRelease(UUID orderId) {
    http.post()
        .uri("/internal/inventory/reservations/{orderId}/release", orderId)
        .exchange(
            (request, response) -> {
              if (!response.getStatusCode().is2xxSuccessful()) {
                throw new FailedAnswer(response.getStatusCode());
              }
              return null;
            });
  }

  private static boolean worthRetrying(Throwable failure) {
    if (failure instanceof FailedAnswer answer) {
      return answer.transientStatus();
    }
    // Connection refused or reset: inventory did not act on the request, or will act on it once.
    return failure instanceof ResourceAccessException
        && !causedBy(failure, HttpTimeoutException.class)
        && !causedBy(failure, SocketTimeoutException.class);
  }

  private static String reason(Throwable failure) {
    return NestedExceptionUtils.getMostSpecificCause(failure).toString();
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The parts of inventory's 409 problem that matter here. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Conflict(URI type, List<Shortage> lines) {}

  /** Inventory answered with a status that is neither success nor a decision about the order. */
  private static final class FailedAnswer extends RuntimeException {
    private final HttpStatusCode status;

    FailedAnswer(HttpStatusCode status) {
      super("inventory-service answered " + status.value());
      this.status = status;
    }

    boolean transientStatus() {
      int code = status.value();
      return code == 502 || code == 503 || code == 504;
    }
  }
}
