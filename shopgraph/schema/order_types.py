"""Orders and checkout in the storefront schema."""

from __future__ import annotations

from typing import Any

import strawberry

from shopgraph.db.models import OrderItem as OrderItemRow
from shopgraph.domain.checkout.flow import CheckoutResult
from shopgraph.domain.orders.reads import OrderPage as OrderPageModel
from shopgraph.domain.orders.reads import OrderWithItems
from shopgraph.errors import DomainError
from shopgraph.schema.payloads import UserError, errors_of
from shopgraph.schema.types import Money


@strawberry.type
class Address:
    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str | None
    country: str

    @classmethod
    def of(cls, value: dict[str, str] | None) -> Address | None:
        if not value:
            return None
        return cls(
            line1=value["line1"],
            line2=value.get("line2"),
            city=value["city"],
            state=value.get("state"),
            postal_code=value.get("postal_code"),
            country=value["country"],
        )


@strawberry.input
class AddressInput:
    line1: str
    city: str
    country: str
    line2: str | None = None
    state: str | None = None
    postal_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if value is not None}


@strawberry.type
class OrderItem:
    row: strawberry.Private[OrderItemRow]
    currency: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def product_id(self) -> strawberry.ID | None:
        return None if self.row.product_id is None else strawberry.ID(self.row.product_id)

    @strawberry.field
    def variant_id(self) -> strawberry.ID | None:
        return None if self.row.variant_id is None else strawberry.ID(self.row.variant_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def variant_name(self) -> str | None:
        return self.row.variant_name

    @strawberry.field
    def sku(self) -> str | None:
        return self.row.sku

    @strawberry.field
    def quantity(self) -> int:
        return self.row.quantity

    @strawberry.field
    def unit_price(self) -> Money:
        return Money.of(self.row.unit_price_minor, self.currency)

    @strawberry.field
    def line_total(self) -> Money:
        return Money.of(self.row.line_total_minor, self.currency)

    @strawberry.field
    def discount(self) -> Money:
        return Money.of(self.row.discount_minor, self.currency)


@strawberry.type
class Order:
    found: strawberry.Private[OrderWithItems]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.found.order.id)

    @strawberry.field
    def order_number(self) -> str:
        return self.found.order.order_number

    @strawberry.field
    def status(self) -> str:
        return self.found.order.status

    @strawberry.field
    def payment_status(self) -> str:
        return self.found.order.payment_status

    @strawberry.field
    def payment_provider(self) -> str:
        return self.found.order.provider

    @strawberry.field
    def currency(self) -> str:
        return self.found.order.currency

    @strawberry.field
    def email(self) -> str:
        return self.found.order.email

    @strawberry.field
    def customer_name(self) -> str | None:
        return self.found.order.customer_name

    @strawberry.field
    def items(self) -> list[OrderItem]:
        return [OrderItem(row=item, currency=self.found.order.currency) for item in self.found.items]

    @strawberry.field
    def subtotal(self) -> Money:
        return Money.of(self.found.order.subtotal_minor, self.found.order.currency)

    @strawberry.field
    def discount_total(self) -> Money:
        return Money.of(self.found.order.discount_total_minor, self.found.order.currency)

    @strawberry.field
    def tax_total(self) -> Money:
        return Money.of(self.found.order.tax_total_minor, self.found.order.currency)

    @strawberry.field
    def shipping_total(self) -> Money:
        return Money.of(self.found.order.shipping_total_minor, self.found.order.currency)

    @strawberry.field
    def grand_total(self) -> Money:
        return Money.of(self.found.order.grand_total_minor, self.found.order.currency)

    @strawberry.field
    def coupon_code(self) -> str | None:
        return self.found.order.coupon_code

    @strawberry.field
    def shipping_address(self) -> Address | None:
        return Address.of(self.found.order.shipping_address)

    @strawberry.field
    def billing_address(self) -> Address | None:
        return Address.of(self.found.order.billing_address)

    @strawberry.field
    def tracking_number(self) -> str | None:
        return self.found.order.tracking_number

    @strawberry.field
    def carrier(self) -> str | None:
        return self.found.order.carrier

    @strawberry.field
    def created_at(self) -> float:
        return self.found.order.created_at

    @strawberry.field
    def paid_at(self) -> float | None:
        return self.found.order.paid_at


@strawberry.type
class OrderSummary:
    id: strawberry.ID
    order_number: str
    status: str
    payment_status: str
    currency: str
    grand_total: Money
    item_count: int
    created_at: float


@strawberry.type
class OrderPage:
    items: list[OrderSummary]
    total: int
    page: int
    limit: int

    @classmethod
    def of(cls, page: OrderPageModel) -> OrderPage:
        return cls(
            items=[
                OrderSummary(
                    id=strawberry.ID(order.id),
                    order_number=order.order_number,
                    status=order.status,
                    payment_status=order.payment_status,
                    currency=order.currency,
                    grand_total=Money.of(order.grand_total_minor, order.currency),
                    item_count=page.item_counts.get(order.id, 0),
                    created_at=order.created_at,
                )
                for order in page.orders
            ],
            total=page.total,
            page=page.page,
            limit=page.limit,
        )


@strawberry.type
class Payment:
    provider: str
    id: str | None = None
    url: str | None = None
    client_secret: str | None = None
    token: str | None = None
    provider_order_id: str | None = None
    amount: int | None = strawberry.field(default=None, description="minor units, for the provider's widget")
    currency: str | None = None
    instructions: str | None = None

    @classmethod
    def of(cls, payment: dict[str, Any]) -> Payment:
        return cls(
            provider=payment["provider"],
            id=payment.get("id"),
            url=payment.get("url"),
            client_secret=payment.get("client_secret"),
            token=payment.get("token"),
            provider_order_id=payment.get("providerOrderId"),
            amount=payment.get("amount"),
            currency=payment.get("currency"),
            instructions=payment.get("instructions"),
        )


@strawberry.input
class CheckoutInput:
    cart_id: strawberry.ID
    email: str
    shipping_address: AddressInput | None = None
    billing_address: AddressInput | None = None
    coupon_code: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    success_url: str | None = None
    cancel_url: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class CheckoutPayload:
    order: Order | None
    payment: Payment | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: CheckoutResult | DomainError) -> CheckoutPayload:
        if isinstance(result, DomainError):
            return cls(order=None, payment=None, user_errors=errors_of(result))
        return cls(order=Order(found=result.order), payment=Payment.of(result.payment), user_errors=[])
