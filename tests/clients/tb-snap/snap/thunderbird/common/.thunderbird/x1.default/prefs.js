user_pref("mail.accountmanager.accounts","account1");
user_pref("mail.account.account1.identities","id1");
user_pref("mail.identity.id1.useremail","snap@example.net");
user_pref("mail.smtpservers","smtp5");
user_pref("mail.smtpserver.smtp5.hostname","mail.example.net");
