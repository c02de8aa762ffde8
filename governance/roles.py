"""What each role may do with approvals and data-minimisation rules (imported by
`GovernanceConfig.ready()`).

Everyone with a role reads policies, requests, rules and findings (a request is as visible
as its version). Data scientists, model owners, validators and CAB members open promotion
requests (the service also asks for the right to request promotion of that model).
Validators, risk officers, compliance officers and CAB members decide on requests; whose
approval counts is the policy's business. Compliance and risk officers edit the approval
policies; compliance officers keep the data-minimisation rules.
"""

from core.roles import Role, grant_app_to_platform_admin, grant_to_roles

grant_app_to_platform_admin("governance")

grant_to_roles(Role.ALL, [f"governance.view_{name}" for name in (
    "approvalpolicy", "approvalrequest", "approvaldecision", "minimisationrule",
    "minimisationfinding")])
grant_to_roles((Role.DATA_SCIENTIST, Role.MODEL_OWNER, Role.VALIDATOR, Role.CAB_MEMBER),
               ["governance.add_approvalrequest"])
grant_to_roles((Role.VALIDATOR, Role.RISK_OFFICER, Role.COMPLIANCE_OFFICER, Role.CAB_MEMBER),
               ["governance.decide_approvalrequest"])
grant_to_roles((Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER), ["governance.change_approvalpolicy"])
grant_to_roles((Role.COMPLIANCE_OFFICER,), [
    f"governance.{action}_minimisationrule" for action in ("add", "change", "delete")])
