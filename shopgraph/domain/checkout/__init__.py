"""Checkout: a cart becomes an order (stock, coupon use and number taken in one unit of work), then its payment
starts with the store's provider."""
