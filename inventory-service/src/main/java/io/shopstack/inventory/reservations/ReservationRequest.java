package io.shopstack.inventory.reservations;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

record ReservationRequest(
    @NotNull UUID orderId,
    @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid ReservationLine> lines) {}
