#include "parse/record_fields.h"

#include "parse/text_formats.h"
#include "parse/vpcflow_parser.h"

namespace fastpath {

std::vector<std::string_view> RecordTopLevelFields(LogType t) {
  switch (t) {
    case LogType::kCloudTrail:
      // The CloudTrail record contents (CloudTrail User Guide, "CloudTrail record contents").
      return {"eventVersion",
              "userIdentity",
              "eventTime",
              "eventSource",
              "eventName",
              "awsRegion",
              "sourceIPAddress",
              "userAgent",
              "errorCode",
              "errorMessage",
              "requestParameters",
              "responseElements",
              "additionalEventData",
              "requestID",
              "eventID",
              "eventType",
              "apiVersion",
              "managementEvent",
              "readOnly",
              "resources",
              "recipientAccountId",
              "serviceEventDetails",
              "sharedEventID",
              "vpcEndpointId",
              "vpcEndpointAccountId",
              "eventCategory",
              "addendum",
              "sessionCredentialFromConsole",
              "edgeDeviceDetails",
              "tlsDetails"};
    case LogType::kVpcFlow:
      return VpcFlowFieldNames();
    case LogType::kApiGateway:  // access logs have any $context fields, execution logs messages
      return {};
    default:
      return text::SpacedFieldNames(t);
  }
}

}  // namespace fastpath
