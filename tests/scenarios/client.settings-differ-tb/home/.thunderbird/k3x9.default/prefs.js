// Mozilla User Preferences
// Anna's account, set up years ago against the company's own server, which is gone:
// port 25 and no encryption (try_ssl 0).
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.identity.id1.fullName", "Anna Lab");
user_pref("mail.identity.id1.useremail", "anna@corp.lab.test");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.authMethod", 3);
user_pref("mail.smtpserver.smtp1.hostname", "smtp.corp.lab.test");
user_pref("mail.smtpserver.smtp1.port", 25);
user_pref("mail.smtpserver.smtp1.try_ssl", 0);
user_pref("mail.smtpserver.smtp1.username", "anna@corp.lab.test");
user_pref("mail.smtpservers", "smtp1");
