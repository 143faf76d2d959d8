using System;

namespace Acme.AspNetCore;

/// <summary>Why a request to Acme Identity did not succeed.</summary>
public enum AcmeErrorKind
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
/// A request to Acme Identity did not succeed. Each kind has a subclass, so code can
/// catch exactly the failures it handles. Messages never contain passwords or tokens.
/// </summary>
public class AcmeException : Exception
{
    /// <summary>Create a generic failure: the service answered something unexpected.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeException(string message)
        : this(AcmeErrorKind.Failed, message, null)
    {
    }

    /// <summary>Create a generic failure caused by another exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeException(string message, Exception? innerException)
        : this(AcmeErrorKind.Failed, message, innerException)
    {
    }

    /// <summary>Create a failure of a given kind.</summary>
    /// <param name="kind">Why the request failed.</param>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected AcmeException(AcmeErrorKind kind, string message, Exception? innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why the request failed.</summary>
    public AcmeErrorKind Kind { get; }

    /// <summary>The <c>error.code</c> of JSON error bodies: <c>invalid_credentials</c> ...</summary>
    public string Code => Kind switch
    {
        AcmeErrorKind.InvalidCredentials => "invalid_credentials",
        AcmeErrorKind.AccountDisabled => "account_disabled",
        AcmeErrorKind.UserNotFound => "user_not_found",
        AcmeErrorKind.Conflict => "conflict",
        AcmeErrorKind.InvalidInput => "invalid_input",
        AcmeErrorKind.ServiceUnavailable => "service_unavailable",
        AcmeErrorKind.Expired => "expired",
        AcmeErrorKind.InvalidToken => "invalid_token",
        AcmeErrorKind.ExpiredToken => "expired_token",
        AcmeErrorKind.PasswordPolicy => "password_policy",
        AcmeErrorKind.Unverified => "unverified",
        _ => "failed",
    };

    /// <summary>The HTTP status the integration answers with.</summary>
    public int StatusCode => Kind switch
    {
        AcmeErrorKind.InvalidCredentials => 401,
        AcmeErrorKind.AccountDisabled => 403,
        AcmeErrorKind.UserNotFound => 404,
        AcmeErrorKind.Conflict => 409,
        AcmeErrorKind.InvalidInput => 400,
        AcmeErrorKind.ServiceUnavailable => 503,
        AcmeErrorKind.Expired => 401,
        AcmeErrorKind.InvalidToken => 400,
        AcmeErrorKind.ExpiredToken => 400,
        AcmeErrorKind.PasswordPolicy => 422,
        AcmeErrorKind.Unverified => 403,
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
        AcmeErrorKind.InvalidCredentials => "Invalid username or password.",
        AcmeErrorKind.AccountDisabled => "This account is disabled.",
        AcmeErrorKind.UserNotFound => "No such user.",
        AcmeErrorKind.Conflict => "An account with these details already exists.",
        AcmeErrorKind.InvalidInput => "Some of the details are missing or not valid.",
        AcmeErrorKind.ServiceUnavailable => "The identity service is unavailable. Please try again later.",
        AcmeErrorKind.Expired => "Your session has expired. Please sign in again.",
        AcmeErrorKind.InvalidToken => "This link is not valid or was already used. Ask for a new one.",
        AcmeErrorKind.ExpiredToken => "This link has expired. Ask for a new one.",
        AcmeErrorKind.PasswordPolicy => "The new password does not meet the password policy.",
        AcmeErrorKind.Unverified => "Verify your email address first: use the link we sent you.",
        _ => "The identity service answered something unexpected.",
    };

    /// <summary>The exception of a given kind.</summary>
    /// <param name="kind">Why the request failed.</param>
    /// <param name="message">What happened, for logs.</param>
    /// <returns>An instance of the subclass for <paramref name="kind"/>.</returns>
    public static AcmeException For(AcmeErrorKind kind, string message) => kind switch
    {
        AcmeErrorKind.InvalidCredentials => new AcmeInvalidCredentialsException(message),
        AcmeErrorKind.AccountDisabled => new AcmeAccountDisabledException(message),
        AcmeErrorKind.UserNotFound => new AcmeUserNotFoundException(message),
        AcmeErrorKind.Conflict => new AcmeConflictException(message),
        AcmeErrorKind.InvalidInput => new AcmeInvalidInputException(message),
        AcmeErrorKind.ServiceUnavailable => new AcmeServiceUnavailableException(message),
        AcmeErrorKind.Expired => new AcmeExpiredException(message),
        AcmeErrorKind.InvalidToken => new AcmeInvalidTokenException(message),
        AcmeErrorKind.ExpiredToken => new AcmeExpiredTokenException(message),
        AcmeErrorKind.PasswordPolicy => new AcmePasswordPolicyException(message),
        AcmeErrorKind.Unverified => new AcmeUnverifiedException(message),
        _ => new AcmeException(message),
    };
}

/// <summary>The username or password is wrong, or the service session has ended.</summary>
public sealed class AcmeInvalidCredentialsException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeInvalidCredentialsException(string message)
        : base(AcmeErrorKind.InvalidCredentials, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeInvalidCredentialsException(string message, Exception? innerException)
        : base(AcmeErrorKind.InvalidCredentials, message, innerException)
    {
    }
}

/// <summary>The account exists but may not sign in.</summary>
public sealed class AcmeAccountDisabledException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeAccountDisabledException(string message)
        : base(AcmeErrorKind.AccountDisabled, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeAccountDisabledException(string message, Exception? innerException)
        : base(AcmeErrorKind.AccountDisabled, message, innerException)
    {
    }
}

/// <summary>The service does not know the user (any more).</summary>
public sealed class AcmeUserNotFoundException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeUserNotFoundException(string message)
        : base(AcmeErrorKind.UserNotFound, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeUserNotFoundException(string message, Exception? innerException)
        : base(AcmeErrorKind.UserNotFound, message, innerException)
    {
    }
}

/// <summary>The account already exists.</summary>
public sealed class AcmeConflictException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeConflictException(string message)
        : base(AcmeErrorKind.Conflict, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeConflictException(string message, Exception? innerException)
        : base(AcmeErrorKind.Conflict, message, innerException)
    {
    }
}

/// <summary>The service rejected the data sent to it.</summary>
public sealed class AcmeInvalidInputException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeInvalidInputException(string message)
        : base(AcmeErrorKind.InvalidInput, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeInvalidInputException(string message, Exception? innerException)
        : base(AcmeErrorKind.InvalidInput, message, innerException)
    {
    }
}

/// <summary>The service is down, too slow, or answered something unusable: the integration fails closed.</summary>
public sealed class AcmeServiceUnavailableException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeServiceUnavailableException(string message)
        : base(AcmeErrorKind.ServiceUnavailable, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeServiceUnavailableException(string message, Exception? innerException)
        : base(AcmeErrorKind.ServiceUnavailable, message, innerException)
    {
    }
}

/// <summary>The access token has expired: the integration refreshes the service session and tries again.</summary>
public sealed class AcmeExpiredException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeExpiredException(string message)
        : base(AcmeErrorKind.Expired, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeExpiredException(string message, Exception? innerException)
        : base(AcmeErrorKind.Expired, message, innerException)
    {
    }
}

/// <summary>The token of an emailed link is unknown, malformed or already used.</summary>
public sealed class AcmeInvalidTokenException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeInvalidTokenException(string message)
        : base(AcmeErrorKind.InvalidToken, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeInvalidTokenException(string message, Exception? innerException)
        : base(AcmeErrorKind.InvalidToken, message, innerException)
    {
    }
}

/// <summary>The token of an emailed link has expired.</summary>
public sealed class AcmeExpiredTokenException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeExpiredTokenException(string message)
        : base(AcmeErrorKind.ExpiredToken, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeExpiredTokenException(string message, Exception? innerException)
        : base(AcmeErrorKind.ExpiredToken, message, innerException)
    {
    }
}

/// <summary>The new password does not meet the service's password policy.</summary>
public sealed class AcmePasswordPolicyException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmePasswordPolicyException(string message)
        : base(AcmeErrorKind.PasswordPolicy, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmePasswordPolicyException(string message, Exception? innerException)
        : base(AcmeErrorKind.PasswordPolicy, message, innerException)
    {
    }
}

/// <summary>The account's email address is not verified yet, so it may not sign in.</summary>
public sealed class AcmeUnverifiedException : AcmeException
{
    /// <summary>Create the exception.</summary>
    /// <param name="message">What happened, for logs.</param>
    public AcmeUnverifiedException(string message)
        : base(AcmeErrorKind.Unverified, message, null)
    {
    }

    /// <summary>Create the exception with its cause.</summary>
    /// <param name="message">What happened, for logs.</param>
    /// <param name="innerException">The cause.</param>
    public AcmeUnverifiedException(string message, Exception? innerException)
        : base(AcmeErrorKind.Unverified, message, innerException)
    {
    }
}
