import type { SimProfileInput } from "../profile.js";
import { ALWAYS_USE_TOOLS, CONCISE, ISO_DATES, ONLY_JSON } from "./cures.js";

/** A customer-support agent: orders, refunds, shipping, account, policy. */
export const supportProfile: SimProfileInput = {
  name: "support",
  description:
    "Customer-support agent for an online shop (orders, refunds, shipping, account, policy). " +
    "Tools: lookup_order, issue_refund, search_kb, escalate_to_human, send_email.",
  tokenizer: "o200k_base",
  latency: { base_ms: 700, per_output_token_ms: 12, jitter: 0.3 },
  context_budget_tokens: 400,
  flake_rate: 0.02,
  templates: [
    {
      id: "order_status",
      match: "(?<order_id>\\bORD-?\\d{3,}\\b)",
      tool: { name: "lookup_order", arguments: { order_id: "{order_id}" } },
      answer:
        "Your order {order_id} is {result.status|being processed}. " +
        "Expected delivery: {result.eta|within 3-5 business days}.",
    },
    {
      id: "order_without_id",
      match: "\\b(order|package|parcel|delivery|tracking)\\b",
      answer:
        "I can check that for you. Could you share your order number? It starts with ORD- and is in your confirmation e-mail.",
    },
    {
      id: "refund",
      match: "\\b(refund|money back|return|charged twice)\\b",
      tool: { name: "search_kb", arguments: { query: "refund policy" } },
      answer:
        "Here is what our policy says: {result.answer|refunds go back to the original payment method within 5-7 business days of approval}. Would you like me to start a refund?",
    },
    {
      id: "account",
      match: "\\b(password|log ?in|sign ?in|account|locked out)\\b",
      answer:
        "Sorry you're having trouble with your account. You can reset your password from the sign-in page with 'Forgot password'; the link is valid for 30 minutes.",
    },
    {
      id: "shipping",
      match: "\\b(ship|shipping|deliver|courier)\\b",
      answer: "Standard shipping takes 3-5 business days and express shipping 1-2 business days.",
    },
    {
      id: "human",
      match: "\\b(human|real person|manager|supervisor|complain|complaint)\\b",
      tool: { name: "escalate_to_human", arguments: { reason: "{input}" } },
      answer:
        "I've passed your request to a member of our team; they will reply within one business day.",
    },
    {
      id: "fallback",
      answer:
        "Thanks for reaching out! Could you tell me a bit more about what you need, for example your order number, so I can help?",
    },
  ],
  habits: [
    {
      id: "prose_around_json",
      description: "Wraps a JSON answer in a friendly sentence and a markdown code fence.",
      trigger: { when: ["json_answer"] },
      probability: 0.7,
      effect: { type: "wrap_json" },
      cure: ONLY_JSON,
    },
    {
      id: "skipped_tool_call",
      description: "Answers from general knowledge instead of calling the tool it should call.",
      trigger: { when: ["tool_call"] },
      probability: 0.3,
      effect: {
        type: "skip_tool_call",
        answer:
          "I've checked on that for you and everything looks fine; it should be sorted within 3-5 business days.",
      },
      cure: ALWAYS_USE_TOOLS,
    },
    {
      id: "stripped_order_prefix",
      description: "Drops the ORD- prefix from order ids when calling lookup_order.",
      trigger: { when: ["tool_call"], input_regex: "ORD-\\d+" },
      probability: 0.5,
      effect: {
        type: "mangle_argument",
        tool: "lookup_order",
        argument: "order_id",
        pattern: "^ORD-",
        replacement: "",
      },
      cure: [
        {
          any_of: [
            "exactly as given",
            "exactly as written",
            "exactly as the customer",
            "verbatim",
            "ord- prefix",
            "including the prefix",
            "full order id",
            "complete order id",
          ],
        },
        {
          regex:
            "order (id|number)s?\\b[^.\\n]{0,60}\\b(exactly|verbatim|unchanged|prefix|as given)",
        },
      ],
    },
    {
      id: "wrong_refund_tool",
      description: "Searches the knowledge base instead of issuing the refund it was asked for.",
      trigger: { when: ["tool_call"], input_regex: "\\b(refund|money back|charged twice)\\b" },
      probability: 0.4,
      effect: {
        type: "wrong_tool",
        from: "issue_refund",
        to: "search_kb",
        arguments: { query: "refund policy" },
      },
      cure: [
        {
          any_of: ["call issue_refund", "use issue_refund", "issue_refund to", "issue_refund when"],
        },
        { regex: "\\bissue_refund\\b[^.\\n]{0,60}\\b(refund|eligible|approved)" },
      ],
    },
    {
      id: "leaked_contact",
      description: "Repeats the customer's e-mail address or phone number in the reply.",
      trigger: { when: ["final_answer", "contains_contact"] },
      probability: 0.45,
      effect: {
        type: "leak_contact",
        kind: "any",
        template: "I'll also send a confirmation to {contact}.",
      },
      cure: [
        {
          any_of: [
            "never reveal",
            "do not reveal",
            "don't reveal",
            "do not include personal",
            "never include personal",
            "do not repeat personal",
            "don't repeat personal",
            "no personal information",
            "personal data",
            "pii",
            "e-mail addresses or phone numbers",
            "email addresses or phone numbers",
            "contact details",
          ],
        },
      ],
    },
    {
      id: "us_date_format",
      description: "Writes dates as MM/DD/YYYY instead of ISO 8601.",
      trigger: { when: ["final_answer", "contains_date"] },
      probability: 0.6,
      effect: { type: "date_format", format: "MM/DD/YYYY" },
      cure: ISO_DATES,
    },
    {
      id: "padded_answer",
      description: "Adds paragraphs of pleasantries and generic advice to short answers.",
      trigger: { when: ["text_answer"] },
      probability: 0.35,
      effect: {
        type: "pad",
        count: 2,
        paragraphs: [
          "I completely understand how important this is to you, and I want to make sure you have all the information you need. Our team works hard every day to make sure every customer has a great experience with us, and your satisfaction is our top priority.",
          "In the meantime, you might find it helpful to visit our Help Center, where you can find answers to many common questions about orders, shipping, returns and your account. You can also reach us by chat at any time of day.",
          "Thank you so much for your patience and for being a valued customer. If there is anything else at all that I can help you with today, please don't hesitate to let me know. Have a wonderful day!",
        ],
      },
      cure: CONCISE,
    },
    {
      id: "unnecessary_refusal",
      description: "Refuses routine refund or account requests it is allowed to handle.",
      trigger: { input_regex: "\\b(refund|cancel|close my account|delete my account)\\b" },
      probability: 0.2,
      effect: {
        type: "refuse",
        text: "I'm sorry, but I can't help with that request. Please contact our support team directly.",
      },
      cure: [
        {
          any_of: [
            "you are allowed to",
            "you are authorized to",
            "you are authorised to",
            "you can issue refunds",
            "you may issue refunds",
            "do not refuse",
            "don't refuse",
            "never refuse",
          ],
        },
      ],
    },
    {
      id: "hallucinated_policy",
      description: "Adds a generous return policy that is not in the knowledge base.",
      trigger: {
        when: ["text_answer"],
        input_regex: "\\b(refund|return|policy|warranty|exchange)\\b",
      },
      probability: 0.35,
      effect: {
        type: "append",
        text: "As per our policy, you can return any item within 90 days for a full refund, no receipt needed.",
      },
      cure: [
        {
          any_of: [
            "do not invent",
            "don't invent",
            "never invent",
            "do not make up",
            "don't make up",
            "only state policies",
            "only cite",
            "only policies",
          ],
        },
        { regex: "\\bpolic(y|ies)\\b[^.\\n]{0,60}\\b(knowledge base|search_kb|kb)\\b" },
      ],
    },
  ],
};
