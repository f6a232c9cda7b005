using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>batch/v1 CronJob: schedule syntax, time zone, concurrency policy and the job template.</summary>
public static partial class CronJobValidator
{
    [GeneratedRegex("^[A-Za-z\\.\\-_0-9+]{1,14}$")]
    private static partial Regex TimeZonePart();

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var oldSpec = old?.Obj("spec");
        var schedule = spec.Text("schedule");
        var timeZone = spec.TextOrNull("timeZone");
        if (schedule.Length == 0)
        {
            errors.Add(Err.Required("spec.schedule"));
        }
        else
        {
            if (CronSchedule.Parse(schedule) is { } problem)
            {
                errors.Add(Err.Invalid("spec.schedule", schedule, problem));
            }

            var allowTz = oldSpec is not null && oldSpec.Text("schedule").Contains("TZ", StringComparison.Ordinal);
            if (allowTz && schedule.Contains("TZ", StringComparison.Ordinal) && timeZone is not null)
            {
                errors.Add(Err.Invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
            }
            else if (!allowTz && schedule.Contains("TZ", StringComparison.Ordinal))
            {
                errors.Add(Err.Invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }

        Err.NonNegative(errors, "spec.startingDeadlineSeconds", spec.Num("startingDeadlineSeconds"));
        if (oldSpec is null || oldSpec.TextOrNull("timeZone") != timeZone)
        {
            TimeZone(timeZone, "spec.timeZone", errors);
        }

        var policy = spec.Text("concurrencyPolicy");
        if (policy.Length > 0 && policy is not ("Allow" or "Forbid" or "Replace"))
        {
            errors.Add(Err.NotSupported("spec.concurrencyPolicy", policy, "Allow", "Forbid", "Replace"));
        }

        var jobTemplate = spec.Obj("jobTemplate");
        var jobSpec = jobTemplate.Obj("spec") ?? [];
        JobValidator.ValidateSpec(jobSpec, "spec.jobTemplate.spec", errors);
        if (jobSpec["selector"] is { } selector)
        {
            errors.Add(Err.Invalid("spec.jobTemplate.spec.selector", Js.Render(selector), "`selector` will be auto-generated"));
        }

        if (jobSpec.Flag("manualSelector"))
        {
            errors.Add(Err.NotSupported("spec.jobTemplate.spec.manualSelector", true, "nil", "false"));
        }

        Err.NonNegative(errors, "spec.successfulJobsHistoryLimit", spec.Num("successfulJobsHistoryLimit"));
        Err.NonNegative(errors, "spec.failedJobsHistoryLimit", spec.Num("failedJobsHistoryLimit"));
        return errors;
    }

    private static void TimeZone(string? zone, string path, List<FieldError> errors)
    {
        if (zone is null)
        {
            return;
        }

        if (zone.Length == 0)
        {
            errors.Add(Err.Invalid(path, zone, "timeZone must be nil or non-empty string"));
            return;
        }

        foreach (var part in zone.Split('/'))
        {
            if (part is "." or ".." || part.StartsWith('-') || !TimeZonePart().IsMatch(part))
            {
                errors.Add(Err.Invalid(path, zone, $"unknown time zone {zone}"));
                return;
            }
        }

        if (zone.Equals("Local", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(Err.Invalid(path, zone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        }

        if (TimeZones.LoadError(zone) is { } problem)
        {
            errors.Add(Err.Invalid(path, zone, problem));
        }
    }
}
