#!/usr/bin/env python3
"""Writes EventBridge "AWS API Call via CloudTrail" events, one per line, for the integration
tests: make_events.py START COUNT [EVENT_NAME [SOURCE]] > file. Each has its own CloudTrail
eventID (derived from its number, so reruns give the same ids) and carries its number in
requestParameters.seq, so tests can check order."""
import json
import sys
import uuid

start, count = int(sys.argv[1]), int(sys.argv[2])
name = sys.argv[3] if len(sys.argv) > 3 else "CreateBucket"
source = sys.argv[4] if len(sys.argv) > 4 else "s3.amazonaws.com"
for n in range(start, start + count):
    eid = str(uuid.UUID(int=0x5EED0000000000000000000000000000 + n))
    detail = {
        "eventVersion": "1.09", "eventID": eid, "eventTime": "2026-01-01T00:00:00Z",
        "eventType": "AwsApiCall", "eventSource": source, "eventName": name,
        "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2",
        "userIdentity": {"type": "IAMUser", "accountId": "111122223333",
                         "arn": "arn:aws:iam::111122223333:user/it", "principalId": "AIDAIT"},
        "requestParameters": {"seq": n, "name": "org-trail"}, "responseElements": None,
        "requestID": "req-%d" % n, "readOnly": False, "recipientAccountId": "111122223333",
    }
    event = {"version": "0", "id": str(uuid.UUID(int=0xE0E00000000000000000000000000000 + n)),
             "detail-type": "AWS API Call via CloudTrail", "source": "aws." + source.split(".")[0],
             "account": "111122223333", "time": "2026-01-01T00:00:01Z", "region": "us-east-1",
             "resources": [], "detail": detail}
    print(json.dumps(event, separators=(",", ":")))
