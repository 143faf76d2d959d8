{% set N = cookiecutter.class_name -%}
using System;

namespace {{ cookiecutter.namespace }};

/// <summary>Why a request to {{ cookiecutter.service_name | cscomment }} did not succeed.</summary>
public enum {{ N }}ErrorKind
{
    /// <summary>The service answered something this integration does not expect (502, <c>failed</c>).</summary>
    Failed,

    /// <summary>The username or password is wrong, or the service session has ended (401).</summary>
    InvalidCredentials,

    /// <summary>The account exists but may not sign in (403).</summary>
    AccountDisabled,

    /// <summary>The service does not know the user (any more) (404).</summary>
    UserNotFound,

    /// <summary>The account already exists (409).</summary>
    Conflict,

    /// <summary>The service rejected the data sent to it (400).</summary>
    InvalidInput,

    /// <summary>The service is down, too slow, or answered something unusable (503).</summary>
    ServiceUnavailable,
}

/// <summary>
/// A request to {{ cookiecutter.service_name | cscomment }} did not succeed. Each kind has a subclass, so code can
/// catch exactly the failures it handles. Messages never contain passwords or tokens.
/// </summary>
public class {{ N }}Exception : Exception
{
    /// <summary>Create a generic failure: the service answered something unexpected.</summary>
    /// <param name="message">What happened, for logs.</param>
    public {{ N }}Exception(string message)
        : this({{ N }}ErrorKind.Failed, message, null)
    {
    }

    /// <summary>Create a generic failure caused by another exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public {{ N }}Exception(string message, Exception? innerException)
        : this({{ N }}ErrorKind.Failed, message, innerException)
    {
    }

    /// <summary>Create a failure of a given kind.</summary>
    /// <param name="kind">Why the request failed.</param>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected {{ N }}Exception({{ N }}ErrorKind kind, string message, Exception? innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why the request failed.</summary>
    public {{ N }}ErrorKind Kind { get; }

    /// <summary>The <c>error.code</c> of JSON error bodies: <c>invalid_credentials</c> ...</summary>
    public string Code => Kind switch
    {
        {{ N }}ErrorKind.InvalidCredentials => "invalid_credentials",
        {{ N }}ErrorKind.AccountDisabled => "account_disabled",
        {{ N }}ErrorKind.UserNotFound => "user_not_found",
        {{ N }}ErrorKind.Conflict => "conflict",
        {{ N }}ErrorKind.InvalidInput => "invalid_input",
        {{ N }}ErrorKind.ServiceUnavailable => "service_unavailable",
        _ => "failed",
    };

    /// <summary>The HTTP status the integration answers with.</summary>
    public int StatusCode => Kind switch
    {
        {{ N }}ErrorKind.InvalidCredentials => 401,
        {{ N }}ErrorKind.AccountDisabled => 403,
        {{ N }}ErrorKind.UserNotFound => 404,
        {{ N }}ErrorKind.Conflict => 409,
        {{ N }}ErrorKind.InvalidInput => 400,
        {{ N }}ErrorKind.ServiceUnavailable => 503,
        _ => 502,
    };

    /// <summary>The message shown to users; the details stay in <see cref="Exception.Message"/>.</summary>
    public string PublicMessage => Kind switch
    {
        {{ N }}ErrorKind.InvalidCredentials => "Invalid username or password.",
        {{ N }}ErrorKind.AccountDisabled => "This account is disabled.",
        {{ N }}ErrorKind.UserNotFound => "No such user.",
        {{ N }}ErrorKind.Conflict => "An account with these details already exists.",
        {{ N }}ErrorKind.InvalidInput => "Some of the details are not valid.",
        {{ N }}ErrorKind.ServiceUnavailable => "The identity service is unavailable. Please try again later.",
        _ => "The identity service answered something unexpected.",
    };

    /// <summary>The exception of a given kind.</summary>
    /// <param name="kind">Why the request failed.</param>
    /// <param name="message">What happened, for logs.</param>
    /// <returns>An instance of the subclass for <paramref name="kind"/>.</returns>
    public static {{ N }}Exception For({{ N }}ErrorKind kind, string message) => kind switch
    {
        {{ N }}ErrorKind.InvalidCredentials => new {{ N }}InvalidCredentialsException(message),
        {{ N }}ErrorKind.AccountDisabled => new {{ N }}AccountDisabledException(message),
        {{ N }}ErrorKind.UserNotFound => new {{ N }}UserNotFoundException(message),
        {{ N }}ErrorKind.Conflict => new {{ N }}ConflictException(message),
        {{ N }}ErrorKind.InvalidInput => new {{ N }}InvalidInputException(message),
        {{ N }}ErrorKind.ServiceUnavailable => new {{ N }}ServiceUnavailableException(message),
        _ => new {{ N }}Exception(message),
    };
}
{% for kind, doc in [
    ("InvalidCredentials", "The username or password is wrong, or the service session has ended."),
    ("AccountDisabled", "The account exists but may not sign in."),
    ("UserNotFound", "The service does not know the user (any more)."),
    ("Conflict", "The account already exists."),
    ("InvalidInput", "The service rejected the data sent to it."),
    ("ServiceUnavailable", "The service is down, too slow, or answered something unusable: the integration fails closed."),
] %}
/// <summary>{{ doc }}</summary>
public sealed class {{ N }}{{ kind }}Exception : {{ N }}Exception
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public {{ N }}{{ kind }}Exception(string message)
        : base({{ N }}ErrorKind.{{ kind }}, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public {{ N }}{{ kind }}Exception(string message, Exception? innerException)
        : base({{ N }}ErrorKind.{{ kind }}, message, innerException)
    {
    }
}
{% endfor -%}
