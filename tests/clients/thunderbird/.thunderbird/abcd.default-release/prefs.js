// Mozilla User Preferences
/* comment */
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id2,id3");
user_pref("mail.account.account3.server", "server3");
user_pref("mail.accountmanager.accounts", "account1,account2,account3");
user_pref("mail.accountmanager.defaultaccount", "account2");
user_pref("mail.identity.id1.useremail", "alice@example.org");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id2.useremail", "bob@lab.test");
user_pref("mail.identity.id2.smtpServer", "smtp2");
user_pref("mail.identity.id3.useremail", "bob-alias@lab.test");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.org");
user_pref("mail.smtpserver.smtp1.port", 465);
user_pref("mail.smtpserver.smtp1.try_ssl", 3);
user_pref("mail.smtpserver.smtp1.username", "alice");
user_pref("mail.smtpserver.smtp2.hostname", "smtp.lab.test");
user_pref("mail.smtpserver.smtp2.port", 587);
user_pref("mail.smtpserver.smtp2.try_ssl", 2);
user_pref("mail.smtpserver.smtp2.username", "bob\"q");
user_pref("mail.smtpserver.smtp2.port", 25);
user_pref("mail.smtpservers", "smtp1,smtp2");
user_pref("broken
