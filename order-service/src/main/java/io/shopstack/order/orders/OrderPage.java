package io.shopstack.order.orders;

import java.util.List;

/** One page of orders, newest first. */
public record OrderPage(
    List<Order> content, int page, int size, long totalElements, int totalPages) {}
