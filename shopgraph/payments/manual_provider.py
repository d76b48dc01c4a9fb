"""Manual payment (cash on delivery, bank transfer): no provider to call and no webhooks to receive."""

from __future__ import annotations

from collections.abc import Mapping

from shopgraph.payments.base import InvalidSignature, PaymentRequest, PaymentSession, Provider, ProviderEvent


class ManualProvider:
    name = Provider.MANUAL

    async def create_payment(self, request: PaymentRequest) -> PaymentSession:
        return PaymentSession(
            provider=self.name,
            reference=f"manual_{request.order_id}",
            amount_minor=request.amount_minor,
            currency=request.currency,
            instructions=(
                f"Pay on delivery, or by bank transfer quoting your order number {request.order_number}. "
                "Your order is being prepared."
            ),
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise InvalidSignature("Manual payments have no webhooks")
