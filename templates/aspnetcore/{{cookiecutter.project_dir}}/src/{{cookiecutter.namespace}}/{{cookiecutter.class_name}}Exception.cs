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

    /// <summary>The access token has expired: the integration refreshes the service session and tries again (401).</summary>
    Expired,

    /// <summary>The token of an emailed link is unknown, malformed or already used (400).</summary>
    InvalidToken,

    /// <summary>The token of an emailed link has expired (400).</summary>
    ExpiredToken,

    /// <summary>The new password does not meet the service's password policy (422).</summary>
    PasswordPolicy,

    /// <summary>The account's email address is not verified yet, so it may not sign in (403).</summary>
    Unverified,
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
        {{ N }}ErrorKind.Expired => "expired",
        {{ N }}ErrorKind.InvalidToken => "invalid_token",
        {{ N }}ErrorKind.ExpiredToken => "expired_token",
        {{ N }}ErrorKind.PasswordPolicy => "password_policy",
        {{ N }}ErrorKind.Unverified => "unverified",
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
        {{ N }}ErrorKind.Expired => 401,
        {{ N }}ErrorKind.InvalidToken => 400,
        {{ N }}ErrorKind.ExpiredToken => 400,
        {{ N }}ErrorKind.PasswordPolicy => 422,
        {{ N }}ErrorKind.Unverified => 403,
        _ => 502,
    };

    /// <summary>
    /// The service's own message for users (a password policy ...), when the spec's rule points at one; shown
    /// instead of the default <see cref="PublicMessage"/>, escaped like any text.
    /// </summary>
    public string? ServiceMessage { get; set; }

    /// <summary>The message shown to users; the details stay in <see cref="Exception.Message"/>.</summary>
    public string PublicMessage => ServiceMessage ?? Kind switch
    {
        {{ N }}ErrorKind.InvalidCredentials => {{ cookiecutter.messages.error.invalid_credentials | cs }},
        {{ N }}ErrorKind.AccountDisabled => {{ cookiecutter.messages.error.account_disabled | cs }},
        {{ N }}ErrorKind.UserNotFound => {{ cookiecutter.messages.error.user_not_found | cs }},
        {{ N }}ErrorKind.Conflict => {{ cookiecutter.messages.error.conflict | cs }},
        {{ N }}ErrorKind.InvalidInput => {{ cookiecutter.messages.error.invalid_input | cs }},
        {{ N }}ErrorKind.ServiceUnavailable => {{ cookiecutter.messages.error.service_unavailable | cs }},
        {{ N }}ErrorKind.Expired => {{ cookiecutter.messages.error.expired | cs }},
        {{ N }}ErrorKind.InvalidToken => {{ cookiecutter.messages.error.invalid_token | cs }},
        {{ N }}ErrorKind.ExpiredToken => {{ cookiecutter.messages.error.expired_token | cs }},
        {{ N }}ErrorKind.PasswordPolicy => {{ cookiecutter.messages.error.password_policy | cs }},
        {{ N }}ErrorKind.Unverified => {{ cookiecutter.messages.error.unverified | cs }},
        _ => {{ cookiecutter.messages.error.failed | cs }},
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
        {{ N }}ErrorKind.Expired => new {{ N }}ExpiredException(message),
        {{ N }}ErrorKind.InvalidToken => new {{ N }}InvalidTokenException(message),
        {{ N }}ErrorKind.ExpiredToken => new {{ N }}ExpiredTokenException(message),
        {{ N }}ErrorKind.PasswordPolicy => new {{ N }}PasswordPolicyException(message),
        {{ N }}ErrorKind.Unverified => new {{ N }}UnverifiedException(message),
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
    ("Expired", "The access token has expired: the integration refreshes the service session and tries again."),
    ("InvalidToken", "The token of an emailed link is unknown, malformed or already used."),
    ("ExpiredToken", "The token of an emailed link has expired."),
    ("PasswordPolicy", "The new password does not meet the service's password policy."),
    ("Unverified", "The account's email address is not verified yet, so it may not sign in."),
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
