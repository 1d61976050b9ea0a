//! Customer wording for the money and order categories: billing, refund, shipping, cancellation.

use super::phrasing::CategoryText;

/// Billing.
pub(crate) const BILLING: CategoryText = CategoryText {
    subjects: &[
        "Billing question about my {product} payment",
        "Wrong amount charged for {product}",
        "Unexpected charge on my card",
        "Payment issue - invoice {invoice}",
        "Billing error on my latest statement",
        "Charged twice for {product}?",
    ],
    openers: &[
        "I was charged {amount} for {product} but the price I agreed to was lower.",
        "My card ending in {last4} was charged {amount} on {date} and I don't recognise this payment.",
        "The invoice for order {order} shows {amount}, which is not what I was charged at checkout.",
        "You charged me {amount} for {product} even though I paid part of it with a voucher.",
        "My latest billing statement has a payment of {amount} for {product} that I did not authorise.",
        "I was billed {amount} twice for order {order}.",
        "The payment for {product} went through at {amount} instead of the sale price.",
    ],
    details: &[
        "The billing page in my account still shows the old payment method.",
        "I have a screenshot of the payment from my bank app.",
        "The charge appeared on {date} with the reference {code}.",
        "My invoice number is {invoice}.",
        "The tax on the invoice also looks wrong.",
        "I only have one active plan, so this payment makes no sense.",
    ],
    asks: &[
        "Can you explain this charge and correct my invoice?",
        "Please correct the billing and send me an updated invoice.",
        "Could you check which payment is the right one?",
        "Who do I talk to about a billing mistake like this?",
    ],
};

/// Refund.
pub(crate) const REFUND: CategoryText = CategoryText {
    subjects: &[
        "Refund request for order {order}",
        "Where is my refund?",
        "Refund not received for {product}",
        "Return and refund - {product}",
        "Still waiting on my refund",
    ],
    openers: &[
        "I returned my {product} {days} days ago and still have not received my money back.",
        "I would like a refund for order {order} and will send the {product} back; it is not what I expected.",
        "Your return confirmation said the refund of {amount} would be back on my card within 5 business days, but nothing has come through.",
        "The refund for my {product} was approved on {date} but the money is not back on my card.",
        "I sent the {product} back with the prepaid return label and I am waiting for my refund.",
        "Please process a refund for my {product}, order {order}; I sent it back within the return window.",
    ],
    details: &[
        "Your warehouse signed for the return on {date}.",
        "The refund amount should be {amount}.",
        "I still have the return receipt with reference {code}.",
        "The item was unused and in its original box.",
        "It has been {days} days since the return was accepted.",
    ],
    asks: &[
        "When will the refund be processed?",
        "Can you confirm the refund amount and the date I'll receive it?",
        "Please let me know the status of my refund.",
        "Could you send the money back to my original card?",
    ],
};

/// Shipping.
pub(crate) const SHIPPING: CategoryText = CategoryText {
    subjects: &[
        "Where is my order {order}?",
        "Delivery delayed - {product}",
        "Parcel not delivered",
        "Tracking not updating for order {order}",
        "Wrong item in my parcel",
        "Late delivery of {product}",
    ],
    openers: &[
        "My order {order} for the {product} was supposed to arrive {days} days ago and the tracking has not changed.",
        "The tracking for my parcel says delivered, but nothing arrived at my address.",
        "I ordered the {product} on {date} and there is still no delivery date.",
        "The courier left a note but the parcel with my {product} was never delivered.",
        "My parcel with the {product} arrived with the box torn open.",
        "I received the wrong item in my parcel for order {order}.",
        "The delivery of my {product} has been postponed three times now.",
    ],
    details: &[
        "The tracking number is {tracking}.",
        "The tracking page has shown 'in transit' since {date}.",
        "I was home all day and nobody rang the bell.",
        "The delivery address on the order is correct.",
        "The courier's website just says the parcel is being processed.",
    ],
    asks: &[
        "Can you tell me where my parcel is?",
        "Please send a replacement or tell me when the delivery will happen.",
        "Could you contact the courier about this delivery?",
        "When can I expect the parcel?",
    ],
};

/// Cancellation.
pub(crate) const CANCELLATION: CategoryText = CategoryText {
    subjects: &[
        "Cancel my {thing}",
        "Cancellation request - {product}",
        "Please stop the renewal",
        "How do I cancel {product}?",
        "Cancellation not confirmed",
    ],
    openers: &[
        "I want to cancel my {product} {thing} before the next renewal on {date}.",
        "Please cancel my {thing} for the {product}; I no longer need it.",
        "I tried to cancel the {product} {thing} online but the cancel button does nothing.",
        "I requested a cancellation of my {thing} on {date} but never received a confirmation.",
        "I'd like to end my {product} {thing} at the end of this month, so please cancel it.",
        "How do I cancel the {thing} for my {product}? I can't find the option.",
    ],
    details: &[
        "The renewal date in my account is {date}.",
        "I don't want to be billed again after the cancellation.",
        "My {thing} number is {order}.",
        "I already removed my card from the account.",
    ],
    asks: &[
        "Can you confirm the cancellation in writing?",
        "Please confirm that the {thing} is cancelled.",
        "How do I make sure the renewal is stopped?",
        "Will the cancellation take effect right away?",
    ],
};
