#!/usr/bin/env python3
"""Writes a Firehose HTTP endpoint request body that carries the CloudTrail records of a file as
one CloudWatch Logs subscription message (gzip'd, base64'd), one log event per record.

usage: firehose_request.py CLOUDTRAIL-FILE REQUEST-ID OUT
"""
import base64
import gzip
import json
import sys
import time

records = json.load(open(sys.argv[1]))["Records"]
msg = {"messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": "aws-cloudtrail-logs",
       "logStream": "111122223333_CloudTrail_us-east-1", "subscriptionFilters": ["all"],
       "logEvents": [{"id": str(i), "timestamp": int(time.time() * 1000), "message": json.dumps(r)}
                     for i, r in enumerate(records)]}
data = base64.b64encode(gzip.compress(json.dumps(msg).encode())).decode()
with open(sys.argv[3], "w") as f:
    json.dump({"requestId": sys.argv[2], "timestamp": int(time.time() * 1000),
               "records": [{"data": data}]}, f)
