"""The contact's page links to its audit log for the branch secretary and the admin only."""

from django.urls import reverse


def test_contact_page_links_to_the_audit_log_for_secretary_and_admin(
    client_for, secretary, admin, member_a, leader, teacher_a
):
    page = reverse("talks:contact_detail", args=[teacher_a.pk])
    audit_url = reverse("contacts:contact_audit", args=[teacher_a.pk])
    for who, shown in ((secretary, True), (admin, True), (member_a, False), (leader, False)):
        html = client_for(who).get(page).content.decode()
        assert (audit_url in html) is shown, who
