from django.urls import reverse

from tests.access import Rule

# tlog-witness add-checkpoint is public by design (the log's signature is the credential);
# an empty body is a bad request for every visitor.
RULES = {
    "witness:add_checkpoint": [
        Rule("post", lambda w: reverse("witness:add_checkpoint"), 400, 400, anonymous=400)
    ],
}
