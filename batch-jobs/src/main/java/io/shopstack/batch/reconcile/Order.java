package io.shopstack.batch.reconcile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.UUID;

/**
 * The part of order-service's order that the batch needs. Other fields (lines, updatedAt, any added
 * later) are ignored: the strict JSON settings of service-defaults are for what the stack accepts
 * from clients, not for what it reads from its own services.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Order(UUID id, Status status, Instant createdAt) {

  enum Status {
    PENDING,
    CONFIRMED,
    REJECTED,
    CANCELLING,
    CANCELLED,
    EXPIRING,
    EXPIRED
  }
}
