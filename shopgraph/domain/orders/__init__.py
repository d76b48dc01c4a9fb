"""Orders once placed: what a customer and the merchant read, the paid / failed / cancelled / refunded transitions,
the merchant's changes by hand, provider events, the Razorpay modal's signature."""
