DROP TABLE message_translation;
