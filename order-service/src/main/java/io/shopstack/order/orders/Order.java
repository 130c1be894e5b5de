package io.shopstack.order.orders;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as the API shows it. {@code customer} is who placed it: the subject of their access
 * token.
 */
public record Order(
    UUID id,
    String customer,
    OrderStatus status,
    List<OrderLine> lines,
    Instant createdAt,
    Instant updatedAt) {}
