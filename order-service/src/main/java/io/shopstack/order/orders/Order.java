package io.shopstack.order.orders;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as the API shows it. */
public record Order(
    UUID id, OrderStatus status, List<OrderLine> lines, Instant createdAt, Instant updatedAt) {}
