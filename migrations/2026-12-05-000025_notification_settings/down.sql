DROP TABLE notification_setting;
