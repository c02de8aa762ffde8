"""Demo data for `make run`: a living inventory of models, versions, datasets, features and
pipelines.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

from core.demo import DEMO_USERS

# --------------------------------------------------------------------------------------
# A living catalogue: teams, compliance tags, models with versions, datasets, features,
# pipelines — all registered through the catalogue services, so every row has history.
# --------------------------------------------------------------------------------------
# (slug, name, business unit, members, description)
DEMO_TEAMS = [
    ("credit-risk", "Credit Risk Analytics", "Retail Banking", ["dana", "omar"],
     "Scores loan applications and monitors the credit book."),
    ("fraud", "Fraud Detection", "Payments", ["dana"],
     "Stops card fraud, account takeover and money laundering."),
    ("marketing", "Marketing Science", "Marketing", ["omar"],
     "Churn, offers and customer lifetime value."),
    ("customer-ops", "Customer Operations AI", "Operations", ["omar", "dana"],
     "Routing, assistants and forecasts for the contact centre."),
    ("insurance", "Insurance Pricing", "Insurance", ["dana"],
     "Motor, property and health pricing and claims."),
    ("people-analytics", "People Analytics", "Human Resources", [],
     "Workforce planning; its confidential models stay within the team."),
    ("ml-platform", "ML Platform", "Technology", ["pat"],
     "Shared models and services for every team."),
]

# (name, description)
DEMO_COMPLIANCE_TAGS = [
    ("gdpr-art22", "GDPR Article 22: automated decisions with legal or similar effects."),
    ("eu-ai-act-high-risk", "EU AI Act Annex III high-risk system (credit, insurance, HR)."),
    ("eu-ai-act-transparency", "EU AI Act Art. 50: people must know they talk to an AI."),
    ("sr-11-7", "US Federal Reserve SR 11-7 model risk management."),
    ("fcra", "US Fair Credit Reporting Act: adverse-action notices."),
    ("pci-dss", "Payment Card Industry Data Security Standard."),
    ("hipaa", "US HIPAA: protected health information."),
    ("sox", "Sarbanes-Oxley: models feeding financial reporting."),
    ("ccpa", "California Consumer Privacy Act: profiling and opt-out."),
]

_FEATURES_BY_DOMAIN = {
    "credit": ["income", "debt_ratio", "months_on_book", "bureau_score", "utilisation"],
    "fraud": ["amount", "merchant_category", "device_age_days", "velocity_1h", "geo_distance_km"],
    "marketing": ["tenure_months", "monthly_spend", "visits_30d", "email_opens_90d"],
    "customer-service": ["text", "channel", "language"],
    "insurance": ["vehicle_age", "driver_age", "postcode_risk", "claims_5y", "sum_insured"],
    "hr": ["tenure_months", "grade", "engagement_score", "absence_days"],
    "platform": ["text", "document_bytes"],
}

# Model rows: name, team, owner, steward, risk tier, purpose category, final stage,
# confidential, compliance tags, free tags, purpose, metrics, development cost (EUR),
# origin details (origin, supplier, source URL, SPDX licence, redistribution, terms,
# attribution, permitted uses) or None for models built in-house.
_INTERNAL = None
DEMO_MODELS = [
    # --- Credit risk -----------------------------------------------------------------
    ("credit-default-xgb", "credit-risk", "omar", "dana", "high", "customer_facing",
     "production", False, ["gdpr-art22", "eu-ai-act-high-risk", "sr-11-7", "fcra"],
     ["scoring", "retail", "xgboost"],
     "Estimates the probability that a retail loan applicant defaults within 12 months; "
     "drives approve / refer / decline.", {"auc": 0.86, "ks": 0.52, "brier": 0.071},
     240000, _INTERNAL),
    ("credit-default-logit", "credit-risk", "omar", "dana", "medium", "customer_facing",
     "deprecated", False, ["gdpr-art22", "fcra"], ["scoring", "retail", "challenger"],
     "Former logistic-regression scorecard kept as challenger to the gradient-boosted model.",
     {"auc": 0.79, "ks": 0.44}, 60000, _INTERNAL),
    ("credit-limit-gbm", "credit-risk", "dana", "omar", "high", "customer_facing", "staging",
     False, ["gdpr-art22", "eu-ai-act-high-risk", "sr-11-7"], ["limits", "cards"],
     "Proposes the credit-card limit offered at account opening.", {"auc": 0.83, "rmse": 412.0},
     150000, _INTERNAL),
    ("credit-affordability-nn", "credit-risk", "omar", "vera", "critical", "customer_facing",
     "validated", True, ["gdpr-art22", "eu-ai-act-high-risk", "sr-11-7", "fcra"],
     ["affordability", "mortgage"],
     "Checks whether a mortgage applicant can afford repayments under stressed interest rates.",
     {"auc": 0.88, "mae": 0.031}, 410000, _INTERNAL),
    ("credit-collections-priority-rf", "credit-risk", "dana", "", "medium",
     "internal_operations", "production", False, [], ["collections"],
     "Ranks overdue accounts so that collectors call the most recoverable first.",
     {"auc": 0.77, "precision_at_10pct": 0.41}, 45000, _INTERNAL),
    ("credit-earlywarning-lstm", "credit-risk", "dana", "omar", "high", "internal_operations",
     "registered", True, ["sr-11-7"], ["early-warning", "sme"],
     "Flags small-business borrowers whose cash flows show early signs of distress.",
     {"auc": 0.81}, 90000, _INTERNAL),
    ("credit-pd-ifrs9-scorecard", "credit-risk", "omar", "vera", "critical", "regulatory",
     "production", False, ["sr-11-7", "sox"], ["ifrs9", "provisioning"],
     "Lifetime probability of default for IFRS 9 expected-credit-loss provisions.",
     {"auc": 0.84, "gini": 0.68}, 180000, _INTERNAL),
    # --- Fraud -------------------------------------------------------------------------
    ("fraud-card-transaction-gbm", "fraud", "dana", "omar", "critical", "customer_facing",
     "production", False, ["pci-dss", "gdpr-art22"], ["cards", "real-time"],
     "Scores every card authorisation in real time and blocks likely fraud.",
     {"auc": 0.94, "precision": 0.71, "recall": 0.63}, 320000, _INTERNAL),
    ("fraud-account-takeover-iforest", "fraud", "dana", "omar", "high", "customer_facing",
     "production", False, ["pci-dss"], ["login", "anomaly"],
     "Detects unusual logins that suggest a stolen account.", {"auc": 0.88, "recall": 0.58},
     70000, _INTERNAL),
    ("fraud-merchant-risk-xgb", "fraud", "dana", "", "medium", "internal_operations",
     "staging", False, [], ["merchants", "onboarding"],
     "Rates the fraud risk of newly onboarded merchants.", {"auc": 0.82}, 35000, _INTERNAL),
    ("fraud-aml-alert-triage-rf", "fraud", "omar", "vera", "high", "regulatory", "validated",
     True, ["sr-11-7"], ["aml", "alerts"],
     "Prioritises anti-money-laundering alerts for investigators.",
     {"auc": 0.9, "recall": 0.93}, 130000, _INTERNAL),
    ("fraud-device-fingerprint-vendor", "fraud", "omar", "dana", "high", "customer_facing",
     "production", False, ["pci-dss", "gdpr-art22"], ["device", "vendor"],
     "Vendor model scoring the risk of the device behind a payment.", {"auc": 0.9}, None,
     ("vendor", "Veritas Signals Ltd", "https://veritas-signals.example/device-risk",
      "LicenseRef-VeritasSignals-Commercial", "prohibited",
      "Licensed for internal fraud screening only; the model and its scores may not be "
      "passed to third parties.", "", "Fraud screening of the licensee's own payments.")),
    ("fraud-chargeback-predict-lgbm", "fraud", "dana", "", "low", "research", "draft", False,
     [], ["chargebacks", "experiment"],
     "Experiment: predict which disputed payments turn into chargebacks.", {"auc": 0.71},
     8000, _INTERNAL),
    # --- Marketing ---------------------------------------------------------------------
    ("marketing-churn-propensity-xgb", "marketing", "omar", "", "medium", "internal_operations",
     "production", False, ["gdpr-art22", "ccpa"], ["churn", "retention"],
     "Predicts which customers are likely to leave in the next 90 days.",
     {"auc": 0.81, "lift_top_decile": 3.2}, 55000, _INTERNAL),
    ("marketing-next-best-offer-bandit", "marketing", "omar", "", "medium", "customer_facing",
     "production", False, ["ccpa"], ["offers", "bandit"],
     "Chooses the offer shown to each customer in the app (contextual bandit).",
     {"ctr_uplift": 0.12}, 85000, _INTERNAL),
    ("marketing-uplift-email-tlearner", "marketing", "omar", "", "low", "internal_operations",
     "validated", False, [], ["email", "uplift"],
     "Estimates who buys because of an e-mail rather than despite it.", {"qini": 0.18},
     20000, _INTERNAL),
    ("marketing-clv-bgnbd", "marketing", "omar", "", "low", "internal_operations",
     "production", False, [], ["clv"],
     "Customer lifetime value for budget allocation.", {"mape": 0.22}, 15000, _INTERNAL),
    ("marketing-segment-kmeans", "marketing", "omar", "", "low", "research", "registered",
     False, [], ["segmentation"],
     "Groups customers into behavioural segments for campaign planning.",
     {"silhouette": 0.41}, 5000, _INTERNAL),
    ("marketing-adcopy-writer-mistral7b", "marketing", "omar", "dana", "medium",
     "internal_operations", "staging", False, ["eu-ai-act-transparency"], ["genai", "copy"],
     "Drafts campaign copy for human editors from a brief.", {"human_accept_rate": 0.64},
     None, ("open_weights", "Mistral AI", "https://huggingface.co/mistralai/Mistral-7B-v0.1",
            "Apache-2.0", "allowed", "Apache-2.0: redistribution allowed with the licence and "
            "notices.", "Keep the Apache-2.0 licence text and NOTICE file.",
            "Any use, including commercial.")),
    ("marketing-image-tagging-clip", "marketing", "omar", "", "low", "internal_operations",
     "production", False, [], ["images", "tagging"],
     "Tags product images so that campaigns can find them.", {"top1_accuracy": 0.83}, None,
     ("open_weights", "OpenAI", "https://github.com/openai/CLIP", "MIT", "allowed",
      "MIT: redistribution allowed with the copyright notice.",
      "Include the MIT copyright notice.", "Any use.")),
    # --- Customer operations -----------------------------------------------------------
    ("support-ticket-router-bert", "customer-ops", "omar", "", "medium", "internal_operations",
     "production", False, [], ["routing", "nlp"],
     "Sends each incoming ticket to the right queue.", {"accuracy": 0.89, "macro_f1": 0.84},
     40000, _INTERNAL),
    ("support-chat-assistant-llama3", "customer-ops", "omar", "dana", "high",
     "customer_facing", "production", False, ["eu-ai-act-transparency", "gdpr-art22"],
     ["genai", "chat"],
     "Answers customers' questions in the app chat and hands over to an agent when unsure.",
     {"groundedness": 0.91, "handover_rate": 0.18}, None,
     ("open_weights", "Meta", "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
      "LicenseRef-Llama-3.1-Community", "conditions",
      "Redistribution allowed with the licence agreement and “Built with Llama”; services "
      "with over 700 million monthly users need Meta's permission.",
      "Display “Built with Llama”; keep the Llama 3.1 Community Licence notice.",
      "Commercial use within the Acceptable Use Policy.")),
    ("support-sentiment-distilbert", "customer-ops", "omar", "", "low", "internal_operations",
     "production", False, [], ["sentiment", "nlp"],
     "Measures the sentiment of support conversations for quality reviews.",
     {"accuracy": 0.91}, None,
     ("open_weights", "Hugging Face", "https://huggingface.co/distilbert-base-uncased",
      "Apache-2.0", "allowed", "Apache-2.0.", "Keep the Apache-2.0 licence text.", "Any use.")),
    ("support-speech-transcribe-whisper", "customer-ops", "dana", "", "medium",
     "internal_operations", "production", False, ["gdpr-art22"], ["speech"],
     "Transcribes recorded calls for complaint handling.", {"wer": 0.083}, None,
     ("open_weights", "OpenAI", "https://github.com/openai/whisper", "MIT", "allowed",
      "MIT.", "Include the MIT copyright notice.", "Any use.")),
    ("support-summary-vendor-gpt", "customer-ops", "omar", "dana", "high", "internal_operations",
     "production", False, ["gdpr-art22"], ["genai", "vendor", "summaries"],
     "Summarises long complaint threads for case handlers (hosted vendor model).",
     {"faithfulness": 0.88}, None,
     ("vendor", "Northwind AI Cloud", "https://northwind-ai.example/api",
      "LicenseRef-Northwind-API-Terms", "prohibited",
      "Hosted service: outputs may be used internally; the model may not be redistributed "
      "or resold.", "", "Internal summarisation of the customer's own data.")),
    ("support-intent-classifier-fasttext", "customer-ops", "omar", "", "low",
     "internal_operations", "retired", False, [], ["nlp", "legacy"],
     "Former intent classifier, replaced by the ticket router.", {"accuracy": 0.78}, 12000,
     _INTERNAL),
    ("support-callvolume-forecast-prophet", "customer-ops", "dana", "", "low",
     "internal_operations", "production", False, [], ["forecast", "staffing"],
     "Forecasts call volumes per half hour for staff scheduling.", {"mape": 0.09}, 10000,
     _INTERNAL),
    # --- Insurance ---------------------------------------------------------------------
    ("insurance-claims-fraud-gbm", "insurance", "dana", "vera", "high", "internal_operations",
     "production", False, ["eu-ai-act-high-risk"], ["claims", "fraud"],
     "Flags insurance claims for a fraud investigator's review.", {"auc": 0.87}, 95000,
     _INTERNAL),
    ("insurance-motor-pricing-glm", "insurance", "dana", "vera", "critical", "customer_facing",
     "production", False, ["sox", "gdpr-art22"], ["pricing", "motor"],
     "Prices motor insurance premiums from driver, vehicle and area.",
     {"gini": 0.41, "deviance_ratio": 0.93}, 210000, _INTERNAL),
    ("insurance-health-risk-score-xgb", "insurance", "dana", "vera", "critical",
     "customer_facing", "validated", True, ["hipaa", "eu-ai-act-high-risk", "gdpr-art22"],
     ["health", "underwriting"],
     "Scores health risk for life and health insurance underwriting.", {"auc": 0.8},
     260000, _INTERNAL),
    ("insurance-claims-triage-nlp", "insurance", "dana", "", "medium", "internal_operations",
     "staging", False, [], ["claims", "nlp"],
     "Reads first notices of loss and routes simple claims to fast track.",
     {"accuracy": 0.86}, 30000, _INTERNAL),
    ("insurance-property-damage-vision", "insurance", "dana", "", "medium",
     "internal_operations", "production", False, [], ["vision", "vendor"],
     "Estimates roof damage from aerial images after storms.", {"iou": 0.74}, None,
     ("vendor", "Geospectra", "https://geospectra.example/roof-ai",
      "LicenseRef-Geospectra-EULA", "prohibited",
      "Per-seat EULA: no redistribution, no use outside claims assessment.", "",
      "Claims assessment of the licensee's policies.")),
    ("insurance-lapse-predict-rf", "insurance", "dana", "", "low", "internal_operations",
     "registered", False, [], ["retention"],
     "Predicts which policies will lapse at renewal.", {"auc": 0.74}, 18000, _INTERNAL),
    # --- People analytics (confidential) -----------------------------------------------
    ("hr-attrition-risk-xgb", "people-analytics", "omar", "vera", "high",
     "internal_operations", "validated", True, ["gdpr-art22"], ["attrition"],
     "Estimates which employees may resign, for retention conversations.", {"auc": 0.76},
     40000, _INTERNAL),
    ("hr-cv-screening-ranker", "people-analytics", "omar", "vera", "critical",
     "internal_operations", "registered", True, ["eu-ai-act-high-risk", "gdpr-art22"],
     ["recruiting"],
     "Ranks applications for recruiters; on hold pending a bias audit.", {"ndcg_10": 0.62},
     75000, _INTERNAL),
    ("hr-workforce-forecast-arima", "people-analytics", "omar", "", "low", "internal_operations",
     "production", False, [], ["forecast"],
     "Forecasts headcount needs per department for budget planning.", {"mape": 0.06}, 9000,
     _INTERNAL),
    # --- ML platform -------------------------------------------------------------------
    ("platform-embedding-text-minilm", "ml-platform", "pat", "", "low", "internal_operations",
     "production", False, [], ["embeddings", "search"],
     "Sentence embeddings behind internal semantic search.", {"stsb_spearman": 0.82}, None,
     ("open_weights", "Sentence-Transformers",
      "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2", "Apache-2.0", "allowed",
      "Apache-2.0.", "Keep the Apache-2.0 licence text.", "Any use.")),
    ("platform-anomaly-metrics-vae", "ml-platform", "pat", "", "low", "internal_operations",
     "staging", False, [], ["monitoring", "anomaly"],
     "Spots anomalies in service metrics for the on-call engineer.", {"auc": 0.85}, 25000,
     _INTERNAL),
    ("platform-doc-ocr-layoutlm", "ml-platform", "pat", "dana", "medium",
     "internal_operations", "production", False, [], ["ocr", "documents"],
     "Reads scanned forms (layout-aware OCR) for every team's intake.", {"f1": 0.9}, None,
     ("open_weights", "Microsoft", "https://huggingface.co/microsoft/layoutlmv3-base",
      "CC-BY-NC-SA-4.0", "conditions",
      "Non-commercial, share-alike: commercial production use needs a separate licence — "
      "under legal review.", "Credit Microsoft; share adaptations under CC BY-NC-SA 4.0.",
      "Non-commercial use only.")),
    ("platform-translation-nllb", "ml-platform", "pat", "", "medium", "internal_operations",
     "staging", False, [], ["translation"],
     "Translates customer messages between 20 languages for agents.", {"bleu": 0.34}, None,
     ("open_weights", "Meta", "https://huggingface.co/facebook/nllb-200-distilled-600M",
      "CC-BY-NC-4.0", "prohibited",
      "Non-commercial licence: may not be passed on for commercial use.",
      "Credit Meta AI (NLLB team).", "Research and non-commercial use.")),
    ("platform-forecast-timesfm", "ml-platform", "pat", "", "low", "internal_operations",
     "validated", False, [], ["forecast"],
     "General time-series forecaster offered to every team.", {"mase": 0.88}, None,
     ("open_weights", "Google", "https://huggingface.co/google/timesfm-1.0-200m",
      "Apache-2.0", "allowed", "Apache-2.0.", "Keep the Apache-2.0 licence text.", "Any use.")),
]

# Stages each model's versions went through, oldest first (the last is the model's stage).
_VERSION_PATHS = {
    "draft": [],
    "registered": ["registered"],
    "validated": ["registered", "validated"],
    "staging": ["validated", "staging"],
    "production": ["deprecated", "production"],
    "deprecated": ["production", "deprecated"],
    "retired": ["deprecated", "retired"],
}

# (name, team, owner, steward, domain, sensitivity, storage, residency, confidential,
#  compliance tags, purpose, row count)
DEMO_DATASETS = [
    ("credit-applications-raw", "credit-risk", "omar", "dana", "credit", "pii", "referenced",
     "eu", False, ["gdpr-art22"], "Every retail loan application since 2019, as submitted.",
     2400000),
    ("credit-bureau-monthly", "credit-risk", "omar", "", "credit", "financial", "referenced",
     "eu", False, ["fcra"], "Monthly credit-bureau extracts for existing customers.", 9100000),
    ("credit-performance-12m", "credit-risk", "dana", "", "credit", "financial", "held", "eu",
     False, [], "Twelve-month repayment outcome of each booked loan (the default label).",
     1300000),
    ("fraud-card-authorisations", "fraud", "dana", "", "fraud", "financial", "referenced", "eu",
     False, ["pci-dss"], "Card authorisation events with fraud labels from chargebacks.",
     480000000),
    ("fraud-login-events", "fraud", "dana", "", "fraud", "pii", "referenced", "eu", False, [],
     "Login attempts with device and network attributes.", 120000000),
    ("marketing-customer-360", "marketing", "omar", "", "marketing", "pii", "referenced", "eu",
     False, ["ccpa", "gdpr-art22"], "Customer profile joined from CRM, web and app usage.",
     5600000),
    ("support-tickets-text", "customer-ops", "omar", "", "customer-service", "pii", "held",
     "eu", False, [], "Support tickets and chat transcripts, pseudonymised.", 3800000),
    ("insurance-motor-policies", "insurance", "dana", "vera", "insurance", "pii", "referenced",
     "eu", False, [], "Motor policies with claims history, for pricing.", 2100000),
    ("insurance-health-declarations", "insurance", "dana", "vera", "insurance", "phi", "held",
     "eu", True, ["hipaa"], "Health questionnaires from underwriting (special category data).",
     640000),
    ("hr-employee-records", "people-analytics", "omar", "", "hr", "pii", "referenced", "eu",
     True, ["gdpr-art22"], "HR master data: grade, tenure, absences, engagement.", 42000),
]

# (name, team, owner, dataset, data type, transformation, purpose)
DEMO_FEATURES = [
    ("credit-debt-ratio", "credit-risk", "dana", "credit-applications-raw", "float",
     "monthly_debt_payments / monthly_income, capped at 5.", "Share of income spent on debt."),
    ("credit-bureau-score", "credit-risk", "dana", "credit-bureau-monthly", "integer",
     "Latest bureau score, missing as -1.", "External creditworthiness score."),
    ("credit-months-on-book", "credit-risk", "dana", "credit-performance-12m", "integer",
     "Months since the first account was opened.", "Length of the relationship."),
    ("credit-utilisation-avg-3m", "credit-risk", "dana", "credit-bureau-monthly", "float",
     "Mean revolving utilisation over the last three months.", "How much of the limit is used."),
    ("fraud-velocity-1h", "fraud", "dana", "fraud-card-authorisations", "integer",
     "Count of authorisations on the card in the previous hour.", "Bursts of card use."),
    ("fraud-geo-distance-km", "fraud", "dana", "fraud-card-authorisations", "float",
     "Distance between this and the previous transaction's location.", "Impossible travel."),
    ("fraud-device-age-days", "fraud", "dana", "fraud-login-events", "integer",
     "Days since the device was first seen on the account.", "New devices are riskier."),
    ("marketing-visits-30d", "marketing", "omar", "marketing-customer-360", "integer",
     "App and web sessions in the last 30 days.", "Engagement."),
    ("marketing-tenure-months", "marketing", "omar", "marketing-customer-360", "integer",
     "Months since the customer joined.", "Relationship length."),
    ("support-ticket-language", "customer-ops", "omar", "support-tickets-text", "string",
     "Detected language code (ISO 639-1).", "Routes to the right team."),
    ("insurance-postcode-risk", "insurance", "dana", "insurance-motor-policies", "float",
     "Smoothed claim frequency of the postcode area.", "Area risk for pricing."),
    ("insurance-claims-5y", "insurance", "dana", "insurance-motor-policies", "integer",
     "Number of claims in the last five years.", "Driver claims history."),
    ("hr-engagement-score", "people-analytics", "omar", "hr-employee-records", "float",
     "Mean of the last two engagement survey scores.", "Employee engagement."),
]

# (name, team, owner, orchestrator, schedule, purpose)
DEMO_PIPELINES = [
    ("credit-scoring-training", "credit-risk", "dana", "Kubeflow", "monthly",
     "Retrains and validates the credit default models."),
    ("credit-ifrs9-batch-scoring", "credit-risk", "omar", "Airflow", "daily 02:00",
     "Scores the loan book for IFRS 9 provisions."),
    ("fraud-streaming-features", "fraud", "dana", "Flink", "continuous",
     "Computes real-time fraud features from the authorisation stream."),
    ("fraud-model-training", "fraud", "dana", "Kubeflow", "weekly",
     "Retrains the card and account-takeover fraud models."),
    ("marketing-churn-scoring", "marketing", "omar", "Airflow", "weekly",
     "Scores every active customer for churn and writes to the CRM."),
    ("support-transcripts-ingest", "customer-ops", "omar", "Airflow", "hourly",
     "Pseudonymises and loads support transcripts."),
    ("insurance-pricing-refresh", "insurance", "dana", "Airflow", "quarterly",
     "Refits the motor pricing GLM and publishes rating tables."),
    ("platform-model-monitoring", "ml-platform", "pat", "Argo Workflows", "every 15 minutes",
     "Collects drift and latency metrics for every deployed model."),
]

DEMO_LABEL = "command:load_demo_data"


def _schema(domain: str) -> dict:
    names = _FEATURES_BY_DOMAIN.get(domain, ["value"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {name: {"type": "string" if name in ("text", "channel", "language",
                                                            "merchant_category")
                              else "number"} for name in names},
        "required": names[:2],
    }


def _model_card_texts(domain: str) -> dict:
    """What a model card asks beyond the purpose (the caveats are left for the owners, so
    the demo's cards show a missing section too)."""
    return {
        "out_of_scope_uses": f"Decisions outside {domain} (employment, insurance, housing); "
                             "fully automated refusals without human review.",
        "factors": "Age band, region and channel (branch, web, partner); performance is "
                   "reported per group in the validation report.",
        "ethical_considerations": "Trained on personal data under the legitimate-interest "
                                  "basis; reviewed for disparate impact on protected groups "
                                  "before each promotion.",
    }


def _output_schema() -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"score": {"type": "number", "minimum": 0, "maximum": 1}},
            "required": ["score"]}


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def demo_load() -> dict[str, int]:
    """Register the demo catalogue through the catalogue services (idempotent).

    Every registration, version and change goes through `inventory.services.catalogue`
    with the acting demo user and a reason, inside an audit context labelled
    `command:load_demo_data`, so the history of each record reads like real work.
    Returns counts of what was created this time.
    """
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model

    from core.audit import audit_context
    from core.models.governed import update_audited
    from inventory.models import (
        ComplianceTag,
        Dataset,
        Feature,
        MetadataStandard,
        MLModel,
        ModelVersion,
        Pipeline,
        Team,
    )
    from inventory.services import catalogue, versions

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[name for name, _, _ in DEMO_USERS])}
    created = {"teams": 0, "models": 0, "versions": 0, "datasets": 0, "features": 0,
               "pipelines": 0}
    with audit_context(label=DEMO_LABEL, reason="Demo catalogue"):
        # Teams and the controlled compliance vocabulary (administrators' work).
        teams = {}
        for slug, name, unit, members, description in DEMO_TEAMS:
            team, is_new = Team.objects.get_or_create(
                slug=slug, defaults={"name": name, "business_unit": unit,
                                     "description": description})
            created["teams"] += is_new
            team.members.add(*[users[m] for m in members if m in users])
            teams[slug] = team
        for name, description in DEMO_COMPLIANCE_TAGS:
            ComplianceTag.objects.get_or_create(name=name, defaults={"description": description})

        # Datasets, their versions, features and pipelines.
        datasets = {}
        for (name, team, owner, steward, domain, sensitivity, storage, residency, confidential,
             ctags, purpose, rows) in DEMO_DATASETS:
            dataset = Dataset.objects.filter(name__iexact=name).first()
            if dataset is None:
                actor = users[owner]
                dataset = catalogue.asset_create(
                    model_class=Dataset, actor=actor, reason="Registered the dataset", data={
                    "name": name, "purpose": purpose, "owner": actor,
                    "steward": users.get(steward), "team": teams[team], "domain": domain,
                    "sensitivity": sensitivity, "storage_mode": storage,
                    "residency_region": residency, "confidential": confidential,
                    "compliance_tags": ctags, "tracked_artefacts": ["data"],
                    "description": f"{purpose} Owned by {teams[team].name}."})
                for number in (1, 2):
                    versions.dataset_version_register(
                        dataset=dataset, actor=actor, reason=f"Snapshot {2024 + number}", data={
                            # Held datasets wait for their files (upload or copy-in).
                            "uri": "" if storage == "held" else f"s3://custodia-demo/{name}/v{number}/",
                            "sha256": _sha(f"{name}:{number}"),
                            "size": rows * 180 * number // 2, "row_count": rows * number // 2,
                            "schema": {"type": "object"}})
                created["datasets"] += 1
            datasets[name] = dataset
        for name, team, owner, dataset, data_type, transformation, purpose in DEMO_FEATURES:
            if Feature.objects.filter(name__iexact=name).exists():
                continue
            catalogue.asset_create(
                model_class=Feature, actor=users[owner], reason="Registered the feature", data={
                "name": name, "purpose": purpose, "owner": users[owner], "team": teams[team],
                "domain": datasets[dataset].domain, "dataset": datasets[dataset],
                "data_type": data_type, "transformation": transformation,
                "confidential": datasets[dataset].confidential,
                "tracked_artefacts": ["features"]})
            created["features"] += 1
        for name, team, owner, orchestrator, schedule, purpose in DEMO_PIPELINES:
            if Pipeline.objects.filter(name__iexact=name).exists():
                continue
            catalogue.asset_create(
                model_class=Pipeline, actor=users[owner], reason="Registered the pipeline", data={
                "name": name, "purpose": purpose, "owner": users[owner], "team": teams[team],
                "domain": name.split("-")[0], "orchestrator": orchestrator,
                "schedule": schedule,
                "repository_url": f"https://git.example.org/{team}/{name}",
                "tracked_artefacts": ["pipeline_code"]})
            created["pipelines"] += 1

        # Models, their versions, and a few later changes by other people.
        for index, row in enumerate(DEMO_MODELS):
            (name, team, owner, steward, tier, category, stage, confidential, ctags, tags,
             purpose, metrics, cost, third_party) = row
            if MLModel.objects.filter(name__iexact=name).exists():
                continue
            actor = users[owner]
            prefix = name.split("-")[0]
            domain = "customer-service" if prefix == "support" else prefix
            trained = date(2025, 1, 15) + timedelta(days=9 * index)
            # Medium-tier models registered before the 2026 model-risk policy carry no
            # output schema or steward: the stricter standard added below finds them.
            complete = tier in ("high", "critical") or index % 2 == 0
            # Owners register without a risk tier or compliance tags (a new model starts
            # at "high", so with a steward and an output schema); the risk and compliance
            # officers set those next.
            data = {
                "name": name, "purpose": purpose, "owner": actor, "team": teams[team],
                "steward": users.get(steward) or actor,
                "domain": domain, "purpose_category": category,
                "confidential": confidential, "tags": tags,
                "description": f"{purpose} Maintained by {teams[team].name} "
                               f"({teams[team].business_unit}).",
                "training_date": trained, "input_schema": _schema(domain),
                "output_schema": _output_schema(),
                "evaluation_metrics": metrics,
                "training_environment": "Python 3.11 on Kubeflow, 8 vCPU / 32 GB, "
                                        "pinned requirements lock file",
                "inference_requirements": "Container on Kubernetes, 2 vCPU / 4 GB, "
                                          "p95 latency under 100 ms",
                "development_cost": cost,
                "tracked_artefacts": ["model", "data", "pipeline_code"],
            }
            if complete:
                data.update(_model_card_texts(domain))
            if third_party is not None:
                (origin, supplier, url, licence, redistribution, terms, attribution,
                 permitted) = third_party
                data.update({"origin": origin, "supplier": supplier, "source_url": url,
                             "licence": licence, "redistribution": redistribution,
                             "redistribution_terms": terms, "attribution": attribution,
                             "permitted_uses": permitted, "development_cost": None,
                             "tracked_artefacts": ["model", "data"]})
            path = _VERSION_PATHS[stage]
            data["stage"] = "draft" if not path else "registered"
            model = catalogue.mlmodel_create(actor=actor, reason="Registered the model",
                                             data=data)
            created["models"] += 1
            if tier != model.risk_tier:
                model = catalogue.mlmodel_risk_tier_set(
                    model=model, actor=users.get("rick"), reason="Initial risk assessment",
                    risk_tier=tier)
            if ctags:
                model = catalogue.mlmodel_compliance_tags_set(
                    model=model, actor=users.get("carla"), reason="Regulations that apply",
                    compliance_tags=ctags)
            if not complete:
                model = catalogue.mlmodel_update(
                    model=model, actor=actor, reason="The steward moved to another team",
                    data={"steward": None})
            for number, version_stage in enumerate(path, start=1):
                version_trained = trained - timedelta(days=120 * (len(path) - number))
                version = versions.model_version_register(
                    model=model, actor=actor, reason=f"Version {number} trained", data={
                        "description": f"Trained on data up to {version_trained:%B %Y}.",
                        "artifact_uri": f"s3://custodia-demo-models/{name}/{number}/model.bin",
                        "artifact_sha256": _sha(f"{name}:model:{number}"),
                        "artifact_size": 12_000_000 + 1_000_000 * number,
                        "training_date": version_trained,
                        "input_schema": data["input_schema"],
                        "output_schema": _output_schema(),
                        "evaluation_metrics": {k: round(v * (0.97 if number < len(path) else 1),
                                                        3) for k, v in metrics.items()},
                        "training_environment": data["training_environment"],
                        "inference_requirements": data["inference_requirements"],
                        "code_repository": f"https://git.example.org/{team}/{name}",
                        "code_commit": _sha(f"{name}:commit:{number}")[:40],
                        "environment_digest": "sha256:" + _sha(f"{name}:environment:{number}"),
                        "datasets": _demo_training_data(actor, teams[team]),
                    })
                created["versions"] += 1
                if version_stage != "registered":
                    # Stage history from before the versions were registered here: recorded
                    # with history, by the owner, with the reason.
                    update_audited(ModelVersion.objects.filter(pk=version.pk), actor=actor,
                                   reason=f"Moved to {version_stage} (recorded at migration "
                                          "into Custodia)", stage=version_stage)
            if "production" in path:
                # The version serving decisions carries the `champion` alias.
                from inventory.services.branches import model_alias_set

                serving = model.versions.get(version=path.index("production") + 1)
                # Recorded by the import itself (no person moved it in Custodia).
                model_alias_set(model=model, name="champion", version=serving, actor=None,
                                reason="Serving version at migration into Custodia")
            if path and path[-1] != model.stage:
                update_audited(MLModel.objects.filter(pk=model.pk), actor=actor,
                               reason=f"Latest version is {path[-1]}", stage=path[-1],
                               ever_in_production=("production" in path) or model.ever_in_production)
            model.refresh_from_db()
            # A later edit by someone else, so the history shows field-level changes.
            if index % 3 == 0:
                editor = users.get(steward) or actor
                catalogue.mlmodel_update(
                    model=model, actor=editor, reason="Annual model review (2026)", data={
                        "purpose": f"{purpose} Reviewed yearly by the model risk committee.",
                        "inference_requirements": "Container on Kubernetes, 2 vCPU / 4 GB, "
                                                  "p95 latency under 80 ms"})

        # The 2026 model-risk policy asks medium-tier models for an output schema and a
        # steward too; models registered before it show up as incomplete.
        MetadataStandard.objects.get_or_create(
            asset_type="mlmodel", risk_tier="medium",
            defaults={"required_fields": ["output_schema", "steward"]})
    return created


def _demo_training_data(actor, team) -> list[dict]:
    """A granular version pins its data: the newest dataset version of the model's team
    that its registrant may see (any visible one otherwise)."""
    from inventory.models import DatasetVersion

    visible = DatasetVersion.objects.restrict(actor, "view").order_by("-pk")
    chosen = visible.filter(dataset__team=team).first() or visible.first()
    return [{"dataset_version": chosen, "role": "train"}] if chosen else []
