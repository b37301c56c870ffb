"""The pure guidance engine: policy files as data, a lawful-basis catalogue, and evaluation.

Nothing here imports Django, so the engine runs the same in the web wizard, the command
line (`safeshare guidance ...`) and the tests.
"""

from .catalogue import NONE_VALUE, Basis, Catalogue, Citation, catalogue
from .compiler import (
    parse_policy,
)
from .evaluate import (
    BasisCheck,
    Evaluation,
    Step,
    apply_form_answer,
    evaluate,
    normalise_answers,
)
from .loading import (
    DEFAULT_POLICY_ID,
    available_policies,
    check_policy_file,
    clear_caches,
    load_policy,
    load_policy_file,
    policy_dirs_from_env,
)
from .model import (
    OUTCOME_TITLES,
    OUTCOMES,
    SHARING_OUTCOMES,
    STANDARD_QUESTIONS,
    UNSURE_VALUE,
    AnswerError,
    Contact,
    Item,
    Option,
    Policy,
    PolicyRef,
    Question,
    Reason,
    SignOffRule,
    WarningNote,
    first_covering,
)
from .schema import PolicyError, Problem

__all__ = [
    "DEFAULT_POLICY_ID",
    "NONE_VALUE",
    "OUTCOMES",
    "OUTCOME_TITLES",
    "SHARING_OUTCOMES",
    "STANDARD_QUESTIONS",
    "UNSURE_VALUE",
    "AnswerError",
    "Basis",
    "BasisCheck",
    "Catalogue",
    "Citation",
    "Contact",
    "Evaluation",
    "Item",
    "Option",
    "Policy",
    "PolicyError",
    "PolicyRef",
    "Problem",
    "Question",
    "Reason",
    "SignOffRule",
    "Step",
    "WarningNote",
    "apply_form_answer",
    "available_policies",
    "catalogue",
    "check_policy_file",
    "clear_caches",
    "evaluate",
    "first_covering",
    "load_policy",
    "load_policy_file",
    "normalise_answers",
    "parse_policy",
    "policy_dirs_from_env",
]
