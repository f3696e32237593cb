"""Open visits show on the borrower's loan pages."""


def test_proposed_visit_shows_on_the_loan_card_and_page(client, create_borrower, create_loan, login, make_visit):
    me = create_borrower()
    loan = create_loan(me)
    visit = make_visit(loan, state="proposed")
    login(client, me)
    for path in ("/loans", f"/loans/{loan.loan_ref}"):
        page = client.get(path).get_data(as_text=True)
        assert f'href="/visits/{visit.id}"' in page, path


def test_closed_visits_do_not_show(client, create_borrower, create_loan, login, make_visit):
    me = create_borrower()
    loan = create_loan(me)
    visit = make_visit(loan, state="cancelled")
    login(client, me)
    assert f'href="/visits/{visit.id}"' not in client.get("/loans").get_data(as_text=True)
