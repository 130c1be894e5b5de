package io.shopstack.order.inventory;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long order-service waits for inventory-service ({@code shop.orders.inventory.*}). Together
 * with the bounded retry in {@link InventoryClient} they cap a call at about 3 seconds.
 *
 * @param connectTimeout time to open a connection
 * @param readTimeout time to wait for the answer once the request is sent
 */
@ConfigurationProperties("shop.orders.inventory")
public record InventoryProperties(
    @DefaultValue("1s") Duration connectTimeout, @DefaultValue("2s") Duration readTimeout) {}
