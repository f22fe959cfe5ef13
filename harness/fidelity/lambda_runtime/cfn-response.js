// The cfn-response module CloudFormation provides to inline (Code.ZipFile) Node.js functions
// ("cfn-response module", CloudFormation User Guide): send(event, context, responseStatus,
// responseData, physicalResourceId, noEcho) PUTs the response to event.ResponseURL.
// Written for the emulator (same interface, our code).
"use strict";
const https = require("https");
const { URL } = require("url");

exports.SUCCESS = "SUCCESS";
exports.FAILED = "FAILED";

exports.send = function (event, context, responseStatus, responseData, physicalResourceId, noEcho) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({
      Status: responseStatus,
      Reason: "See the details in CloudWatch Log Stream: " + context.logStreamName,
      PhysicalResourceId: physicalResourceId || context.logStreamName,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: noEcho || false,
      Data: responseData,
    });
    const url = new URL(event.ResponseURL);
    const request = https.request(
      {
        hostname: url.hostname,
        path: url.pathname + url.search,
        method: "PUT",
        headers: { "content-type": "", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on("end", () => {
          if (typeof context.done === "function") context.done();
          resolve();
        });
      },
    );
    request.on("error", (error) => {
      console.log("send(..) failed executing https.request(..): " + error);
      if (typeof context.done === "function") context.done();
      reject(error);
    });
    request.write(body);
    request.end();
  });
};
