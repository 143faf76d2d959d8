package com.acme.auth;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.NameMatchMethodPointcutAdvisor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * With the HTTP sessions in Redis, a request of a session that another instance signed out meanwhile ends as it
 * would have ended before the sign-out, and the session stays deleted.
 * <p>
 * Spring Session's {@link RedisSessionRepository} refuses to save a session whose key Redis no longer holds, so that
 * a request still running cannot bring a signed-out session back: it throws {@code IllegalStateException("Session
 * was invalidated")}. The refusal is right, the exception is not: the servlet container answers it with a 500, for a
 * request that began while the user was still signed in (a second tab's call, when the first tab signs out on
 * another instance). The repository is proxied as its own class, so an application that injects
 * {@code RedisSessionRepository} still gets one; only the refused save is let go, and the next request with the old
 * cookie is anonymous.
 */
@AutoConfiguration
@ConditionalOnClass(RedisSessionRepository.class)
public class AcmeSignedOutSessionsAutoConfiguration {

    /** The message of Spring Session's refusal to save a session that is gone from Redis. */
    static final String INVALIDATED = "Session was invalidated";

    private static final Log logger = LogFactory.getLog(AcmeSignedOutSessionsAutoConfiguration.class);

    /**
     * Proxies Spring Session's Redis repository, where Boot's auto-configuration makes one.
     * @return the post-processor, static so that it is registered before the repository is made
     */
    @Bean
    static BeanPostProcessor acmeSignedOutSessions() {
        return new BeanPostProcessor() {

            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return (bean instanceof RedisSessionRepository repository) ? letSignedOutSessionsGo(repository) : bean;
            }

        };
    }

    /**
     * The repository, with its refusal to save a signed-out session logged instead of thrown.
     * @param repository Spring Session's repository
     * @return a proxy of the same class
     */
    static RedisSessionRepository letSignedOutSessionsGo(RedisSessionRepository repository) {
        ProxyFactory factory = new ProxyFactory(repository);
        factory.setProxyTargetClass(true);
        NameMatchMethodPointcutAdvisor save = new NameMatchMethodPointcutAdvisor(new SignedOutSessionSave());
        save.setMappedName("save");
        factory.addAdvisor(save);
        return (RedisSessionRepository) factory.getProxy(repository.getClass().getClassLoader());
    }

    /** Lets go of a save that Spring Session refused because the session was signed out meanwhile. */
    private static final class SignedOutSessionSave implements MethodInterceptor {

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            try {
                return invocation.proceed();
            }
            catch (IllegalStateException ex) {
                if (!INVALIDATED.equals(ex.getMessage())) {
                    throw ex;
                }
                logger.debug("A session was signed out while this request of it ran: its changes are dropped");
                return null;
            }
        }

    }

}
