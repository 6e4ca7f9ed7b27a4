# Run: python3 -m pytest examples/recipes/pytest
import pytest


def test_the_fixtures_are_there(api):
    r = api.get("/api/v1/customers", params={"email": "billing@globex.example"})
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["data"]["items"]] == ["0190a000-0000-7000-8000-00000000c001"]


# Both tests create the same customer: the e-mail is unique, so the second passes only because of the reset.
@pytest.mark.parametrize("attempt", ["first", "again after the reset"])
def test_creates_a_customer(api, attempt):
    r = api.post("/api/v1/customers", json={"name": "Umbrella", "email": "ap@umbrella.example"})
    assert r.status_code == 201, r.text
    assert api.get(f"/api/v1/customers/{r.json()['data']['id']}").json()["data"]["email"] == "ap@umbrella.example"
