package io.shopstack.batch.reconcile;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code shop.batch.*}: where order-service is, which PENDING orders are due for a retry of their
 * reservation and which for expiry, and how much one run does. Defaults are in application.yaml.
 */
@Validated
@ConfigurationProperties("shop.batch")
record BatchProperties(
    @NotNull URI orderServiceUrl,
    @NotNull Duration reconcileAfter,
    @NotNull Duration expireAfter,
    @Min(1) int maxOrders,
    // order-service serves at most 1000 per call.
    @Min(1) @Max(1000) int pageSize) {}
