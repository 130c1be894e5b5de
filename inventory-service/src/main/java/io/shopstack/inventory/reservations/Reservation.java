package io.shopstack.inventory.reservations;

import java.util.List;
import java.util.UUID;

/**
 * What inventory knows about an order: its status and the lines it asked for, one per sku in sku
 * order. A release that came before any reservation leaves a RELEASED reservation without lines.
 */
public record Reservation(UUID orderId, ReservationStatus status, List<ReservationLine> lines) {}
