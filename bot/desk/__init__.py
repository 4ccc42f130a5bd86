"""The agent desk (12345 hotline, 帮办代办) at /desk: staff accounts, the queue, taking over and
giving back conversations, guiding callers through the same questionnaire, SMS, 工单, 好差评."""
