// The hosted payment step: Stripe's Payment Element, then the order page, whose payment status the provider's
// webhook sets; or Razorpay's checkout modal, whose signed answer is posted back so the order is paid at once.
(function () {
  "use strict";
  var box = document.getElementById("payment");
  if (!box) return;
  var data = box.dataset;
  var pay = document.getElementById("pay");
  var problem = document.getElementById("payment-error");
  function fail(message) { problem.textContent = message; pay.disabled = false; }

  if (data.provider === "stripe") {
    if (typeof Stripe !== "function") { fail("The payment form could not be loaded."); return; }
    var stripe = Stripe(data.publishableKey);
    var elements = stripe.elements({ clientSecret: data.clientSecret });
    elements.create("payment").mount("#payment-element");
    pay.addEventListener("click", function () {
      pay.disabled = true;
      stripe.confirmPayment({ elements: elements, confirmParams: { return_url: data.orderUrl } })
        .then(function (result) { if (result.error) fail(result.error.message); });
    });
  } else if (data.provider === "razorpay") {
    if (typeof Razorpay !== "function") { fail("The payment form could not be loaded."); return; }
    var modal = new Razorpay({
      key: data.keyId, order_id: data.providerOrderId, amount: data.amount, currency: data.currency,
      handler: function (answer) {
        var confirmation = document.getElementById("razorpay-confirmation");
        ["razorpay_order_id", "razorpay_payment_id", "razorpay_signature"].forEach(function (name) {
          confirmation.elements[name].value = answer[name] || "";
        });
        confirmation.submit();
      },
    });
    pay.addEventListener("click", function () { modal.open(); });
  }
})();
