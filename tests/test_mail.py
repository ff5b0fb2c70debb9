"""Mail leaves through the SMTP server the settings name."""

from django.core.mail import send_mail


def test_mail_reaches_a_real_smtp_server(smtp_server):
    body = "« L’étude pilote » attend votre relecture."
    send_mail("Envoyé en relecture", body, None, ["editor@example.org"])

    [message] = smtp_server.to("editor@example.org")
    assert message["Subject"] == "Envoyé en relecture"
    assert "L’étude pilote" in smtp_server.text(message)
